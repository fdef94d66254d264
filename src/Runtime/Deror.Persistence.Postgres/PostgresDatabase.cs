using Microsoft.Extensions.Logging;
using Npgsql;

namespace Deror.Persistence.Postgres;

/// <summary>
/// One provider's access to the database: a connection pool (an <see cref="NpgsqlDataSource"/>) for its options,
/// with the provider's schema as search path, and the schema created on first use.
/// </summary>
internal sealed class PostgresDatabase : IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    public PostgresDatabase(PostgresStorageOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        PostgresStorageOptionsValidator.ThrowIfInvalid(options);
        _schema = options.Schema;
        _logger = logger;
        // Statements name tables unqualified; the search path points them at the configured schema.
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString) { SearchPath = options.Schema };
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    /// <summary>An open connection with the schema in place; the caller disposes it.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            if (!_schemaReady)
            {
                await EnsureSchemaAsync(connection, cancellationToken);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closes the pool's connections.</summary>
    public void Dispose()
    {
        _dataSource.Dispose();
        _schemaGate.Dispose();
    }

    private async Task EnsureSchemaAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await _schemaGate.WaitAsync(cancellationToken);
        try
        {
            if (!_schemaReady)
            {
                await PostgresSchema.EnsureCreatedAsync(connection, _schema, _logger, cancellationToken);
                _schemaReady = true;
            }
        }
        finally
        {
            _schemaGate.Release();
        }
    }
}
