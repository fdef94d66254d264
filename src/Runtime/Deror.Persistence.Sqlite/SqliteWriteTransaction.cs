using Microsoft.Data.Sqlite;

namespace Deror.Persistence.Sqlite;

/// <summary>
/// An open write transaction: disposing it without <see cref="CommitAsync"/> rolls back, closes the connection
/// and lets this process's next writer in.
/// </summary>
internal sealed class SqliteWriteTransaction : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly SemaphoreSlim _writeGate;

    public SqliteWriteTransaction(SqliteConnection connection, SqliteTransaction transaction, SemaphoreSlim writeGate)
    {
        _connection = connection;
        _transaction = transaction;
        _writeGate = writeGate;
    }

    public SqliteCommand CreateCommand(string sql)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>The next value of the file-wide version sequence, rendered as an etag.</summary>
    public async Task<(long Version, string Etag)> NextVersionAsync(CancellationToken cancellationToken)
    {
        using var command = CreateCommand("UPDATE deror_etag_sequence SET value = value + 1 WHERE id = 1 RETURNING value;");
        var version = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return (version, SqliteEtag.Format(version));
    }

    public Task CommitAsync(CancellationToken cancellationToken) => _transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _transaction.DisposeAsync();
            await _connection.DisposeAsync();
        }
        finally
        {
            _writeGate.Release();
        }
    }
}
