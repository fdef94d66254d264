using Deror.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Deror.Persistence.Sqlite;

/// <summary>Grain state in the shared SQLite file: one row per (state name, grain) with an integer version as etag.</summary>
public sealed class SqliteGrainStorage : IGrainStorage, IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly ILogger _logger;

    public SqliteGrainStorage(SqliteStorageOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger<SqliteGrainStorage>();
        _database = new SqliteDatabase(options, _logger);
    }

    public async Task<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT data, version FROM deror_grain_state WHERE state_name = $state AND grain_id = $grain;";
        AddKey(command, stateName, grainId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new GrainStateRecord(reader.GetFieldValue<byte[]>(0), SqliteEtag.Format(reader.GetInt64(1)))
            : null;
    }

    public async Task<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> data, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        await using var transaction = await _database.BeginWriteAsync(cancellationToken);
        await ThrowIfEtagMismatchAsync(transaction, stateName, grainId, expectedEtag, "write", cancellationToken);
        var (version, etag) = await transaction.NextVersionAsync(cancellationToken);
        using var command = transaction.CreateCommand("""
            INSERT INTO deror_grain_state (state_name, grain_id, data, version) VALUES ($state, $grain, $data, $version)
            ON CONFLICT (state_name, grain_id) DO UPDATE SET data = excluded.data, version = excluded.version;
            """);
        AddKey(command, stateName, grainId);
        command.Parameters.Add("$data", SqliteType.Blob).Value = data.ToArray();
        command.Parameters.AddWithValue("$version", version);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return etag;
    }

    public async Task ClearAsync(string stateName, GrainId grainId, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        await using var transaction = await _database.BeginWriteAsync(cancellationToken);
        await ThrowIfEtagMismatchAsync(transaction, stateName, grainId, expectedEtag, "clear", cancellationToken);
        using var command = transaction.CreateCommand("DELETE FROM deror_grain_state WHERE state_name = $state AND grain_id = $grain;");
        AddKey(command, stateName, grainId);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public void Dispose() => _database.Dispose();

    private async Task ThrowIfEtagMismatchAsync(SqliteWriteTransaction transaction, string stateName, GrainId grainId, string? expectedEtag, string operation, CancellationToken cancellationToken)
    {
        using var command = transaction.CreateCommand("SELECT version FROM deror_grain_state WHERE state_name = $state AND grain_id = $grain;");
        AddKey(command, stateName, grainId);
        var storedEtag = await command.ExecuteScalarAsync(cancellationToken) is long version ? SqliteEtag.Format(version) : null;
        if (!string.Equals(storedEtag, expectedEtag, StringComparison.Ordinal))
        {
            SqliteLog.StateEtagConflict(_logger, stateName, grainId, storedEtag, expectedEtag);
            throw new InconsistentStateException(
                $"Cannot {operation} state '{stateName}' of grain {grainId}: stored etag is {storedEtag ?? "none"}, expected {expectedEtag ?? "none"}.",
                storedEtag,
                expectedEtag);
        }
    }

    private static void AddKey(SqliteCommand command, string stateName, GrainId grainId)
    {
        command.Parameters.AddWithValue("$state", stateName);
        command.Parameters.AddWithValue("$grain", grainId.ToString());
    }
}
