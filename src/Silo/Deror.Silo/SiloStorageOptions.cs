using Deror.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Deror.Silo;

/// <summary>
/// Which store the silo uses for grain state, reminders, durable jobs, membership and the grain directory:
/// configuration section <c>Deror:Storage</c>. SQLite (one file) is the embedded default; Redis or PostgreSQL
/// let silos on several machines form one cluster.
/// </summary>
internal sealed class SiloStorageOptions
{
    public const string Section = "Deror:Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>The SQLite file, relative to the working directory; its directory is created on first use.</summary>
    public string SqlitePath { get; set; } = Path.Combine(".deror", "deror.db");

    /// <summary>For Redis, a StackExchange.Redis configuration (<c>host:6379</c>); for PostgreSQL, an Npgsql connection string.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Registers the configured store and returns how to describe it in the log. Read while the host is built (the
    /// providers are chosen then), so it is validated here rather than at start.
    /// </summary>
    public static string Apply(ISiloBuilder silo, IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<SiloStorageOptions>() ?? new SiloStorageOptions();
        switch (options.Provider)
        {
            case StorageProvider.Sqlite:
                if (string.IsNullOrWhiteSpace(options.SqlitePath))
                {
                    throw Invalid($"{Section}:{nameof(SqlitePath)} must name a file.");
                }
                var path = Path.GetFullPath(options.SqlitePath);
                silo.UseSqliteStorage(path);
                return $"the SQLite file {path}";
            case StorageProvider.Redis:
                silo.UseRedisStorage(RequireConnectionString(options));
                return $"Redis at {options.ConnectionString}";
            case StorageProvider.Postgres:
                var connectionString = RequireConnectionString(options);
                silo.UsePostgresStorage(connectionString);
                return $"PostgreSQL ({new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Password = null }})";
            default:
                throw Invalid($"{Section}:{nameof(Provider)} must be Sqlite, Redis or Postgres (was '{options.Provider}').");
        }
    }

    private static string RequireConnectionString(SiloStorageOptions options)
        => string.IsNullOrWhiteSpace(options.ConnectionString)
            ? throw Invalid($"{Section}:{nameof(ConnectionString)} is required when {Section}:{nameof(Provider)} is {options.Provider}.")
            : options.ConnectionString;

    private static OptionsValidationException Invalid(string failure) => new(Section, typeof(SiloStorageOptions), [failure]);
}

internal enum StorageProvider
{
    Sqlite,
    Redis,
    Postgres,
}
