using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Deror.Persistence.Sqlite;

/// <summary>
/// One provider's access to the database file: opens configured connections, creates the schema on first use
/// and hands out write transactions. Several instances (and processes) may share one file.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    private readonly string _connectionString;
    private readonly string _connectionPragmas;
    private readonly string? _directoryToCreate;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);

    // One per database file in this process, shared by every provider instance on it (a silo has six).
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WriteGates = new(StringComparer.Ordinal);

    // Microsoft.Data.Sqlite runs "async" calls synchronously, so a writer waiting in SQLite's busy handler blocks
    // a thread, and the handler sleeps a millisecond or more at a time. This process's writers of the file queue
    // here instead (asynchronously); only other processes' writers reach the busy handler.
    private readonly SemaphoreSlim _writeGate;
    private volatile bool _schemaReady;

    public SqliteDatabase(SqliteStorageOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        SqliteStorageOptionsValidator.ThrowIfInvalid(options);
        _logger = logger;
        var builder = options.ConnectionString is { Length: > 0 } connectionString
            ? new SqliteConnectionStringBuilder(connectionString)
            : new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(options.DatabasePath!), Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true };
        if (options.DatabasePath is { Length: > 0 })
        {
            _directoryToCreate = Path.GetDirectoryName(builder.DataSource);
        }
        // Microsoft.Data.Sqlite retries a busy statement until its command timeout, on top of SQLite's busy_timeout;
        // align the two so BusyTimeout bounds the wait.
        builder.DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds);
        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
        _writeGate = WriteGates.GetOrAdd(DataSource, _ => new SemaphoreSlim(1, 1));
        // busy_timeout and synchronous are per connection. NORMAL is durable across process crashes in WAL mode
        // (only a power loss can drop the last commits) and saves an fsync per transaction.
        _connectionPragmas = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(int)options.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL;");
    }

    public string DataSource { get; }

    /// <summary>An open connection with the schema in place; the caller disposes it.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_schemaReady && _directoryToCreate is not null)
        {
            Directory.CreateDirectory(_directoryToCreate);
        }
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            using (var pragmas = connection.CreateCommand())
            {
                pragmas.CommandText = _connectionPragmas;
                await pragmas.ExecuteNonQueryAsync(cancellationToken);
            }
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

    /// <summary>
    /// A write transaction started with BEGIN IMMEDIATE, so it holds the file's write lock from the first statement:
    /// its reads cannot go stale before its writes, and it never fails half-way on a lock upgrade.
    /// </summary>
    public async Task<SqliteWriteTransaction> BeginWriteAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        SqliteConnection? connection = null;
        try
        {
            connection = await OpenAsync(cancellationToken);
            // Microsoft.Data.Sqlite issues BEGIN IMMEDIATE for a non-deferred transaction.
            var transaction = connection.BeginTransaction(deferred: false);
            return new SqliteWriteTransaction(connection, transaction, _writeGate);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
            _writeGate.Release();
            throw;
        }
    }

    /// <summary>Closes this file's pooled connections so the file is released (and can be deleted or reopened cleanly).</summary>
    public void Dispose()
    {
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }
        _schemaGate.Dispose();
    }

    private async Task EnsureSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await _schemaGate.WaitAsync(cancellationToken);
        try
        {
            if (!_schemaReady)
            {
                await SqliteSchema.EnsureCreatedAsync(connection, DataSource, _logger, cancellationToken);
                _schemaReady = true;
            }
        }
        finally
        {
            _schemaGate.Release();
        }
    }
}
