namespace Deror.Persistence.Postgres;

/// <summary>Where the PostgreSQL providers keep their data.</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>An Npgsql connection string (host, port, database, credentials, pool settings).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The database schema holding Deror's tables; created on first use. Several deployments can share one
    /// database under different schemas.
    /// </summary>
    public string Schema { get; set; } = "public";
}
