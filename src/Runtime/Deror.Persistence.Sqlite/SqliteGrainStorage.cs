using System.Runtime.InteropServices;
using Deror.Runtime;
using Deror.Runtime.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Deror.Persistence.Sqlite;

/// <summary>
/// Grain state in the shared SQLite file: one row per (state name, grain) with an integer version as etag.
/// Concurrent writes and clears are group-committed (<see cref="GroupCommitQueue{TItem, TResult}"/>): one write transaction per
/// group, each change with its own etag check, because SQLite has one writer per file and a transaction's commit
/// costs far more than one row.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage, IDisposable
{
    private readonly SqliteDatabase _database;
    /// <summary>Changes per group at most: bounds one transaction's size and how long it holds the file's write lock.</summary>
    private const int MaxWritesPerGroup = 256;

    private readonly GroupCommitQueue<GrainStateWrite, string?> _writes;
    private readonly ILogger _logger;

    public SqliteGrainStorage(SqliteStorageOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger<SqliteGrainStorage>();
        _database = new SqliteDatabase(options, _logger);
        _writes = new GroupCommitQueue<GrainStateWrite, string?>(CommitAsync, _ => 1, MaxWritesPerGroup, "grain state changes", _logger);
    }

    public async Task<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT data, version FROM deror_grain_state WHERE state_name = $state AND grain_id = $grain;";
        command.Parameters.AddWithValue("$state", stateName);
        command.Parameters.AddWithValue("$grain", grainId.ToString());
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new GrainStateRecord(reader.GetFieldValue<byte[]>(0), SqliteEtag.Format(reader.GetInt64(1)))
            : null;
    }

    public async Task<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> data, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        // A copy: the caller may reuse its buffer before the group is committed.
        return (await _writes.EnqueueAsync(new GrainStateWrite(stateName, grainId, data.ToArray(), expectedEtag), cancellationToken))!;
    }

    public Task ClearAsync(string stateName, GrainId grainId, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        return _writes.EnqueueAsync(new GrainStateWrite(stateName, grainId, null, expectedEtag), cancellationToken);
    }

    public void Dispose()
    {
        _writes.Dispose();
        _database.Dispose();
    }

    /// <summary>Applies a group in one transaction, in order; a change whose etag does not match is skipped and reported.</summary>
    private async Task<IReadOnlyList<GroupCommitOutcome<string?>>> CommitAsync(IReadOnlyList<GrainStateWrite> group)
    {
        await using var transaction = await _database.BeginWriteAsync(CancellationToken.None);
        // One prepared statement per kind for the whole group; only the parameters change per row.
        using var select = transaction.CreateCommand("SELECT version FROM deror_grain_state WHERE state_name = $state AND grain_id = $grain;");
        using var upsert = transaction.CreateCommand("""
            INSERT INTO deror_grain_state (state_name, grain_id, data, version) VALUES ($state, $grain, $data, $version)
            ON CONFLICT (state_name, grain_id) DO UPDATE SET data = excluded.data, version = excluded.version;
            """);
        using var delete = transaction.CreateCommand("DELETE FROM deror_grain_state WHERE state_name = $state AND grain_id = $grain;");
        var outcomes = new GroupCommitOutcome<string?>[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            var write = group[i];
            var grain = write.GrainId.ToString();
            SetKey(select, write.StateName, grain);
            var storedEtag = await select.ExecuteScalarAsync() is long stored ? SqliteEtag.Format(stored) : null;
            if (!string.Equals(storedEtag, write.ExpectedEtag, StringComparison.Ordinal))
            {
                outcomes[i] = GroupCommitOutcome<string?>.Failed(Conflict(write, storedEtag));
                continue;
            }
            if (write.Data is not { } data)
            {
                SetKey(delete, write.StateName, grain);
                await delete.ExecuteNonQueryAsync();
                outcomes[i] = GroupCommitOutcome<string?>.Succeeded(null);
                continue;
            }
            var (version, etag) = await transaction.NextVersionAsync(CancellationToken.None);
            SetKey(upsert, write.StateName, grain);
            // WriteAsync queued a copy of the caller's bytes in an array of their own: bind that array as it is.
            Set(upsert, "$data", SqliteType.Blob, MemoryMarshal.TryGetArray(data, out var whole) && whole.Offset == 0 && whole.Count == whole.Array!.Length ? whole.Array : data.ToArray());
            Set(upsert, "$version", SqliteType.Integer, version);
            await upsert.ExecuteNonQueryAsync();
            outcomes[i] = GroupCommitOutcome<string?>.Succeeded(etag);
        }
        await transaction.CommitAsync(CancellationToken.None);
        return outcomes;
    }

    private InconsistentStateException Conflict(GrainStateWrite write, string? storedEtag)
    {
        SqliteLog.StateEtagConflict(_logger, write.StateName, write.GrainId, storedEtag, write.ExpectedEtag);
        var operation = write.IsClear ? "clear" : "write";
        return new InconsistentStateException(
            $"Cannot {operation} state '{write.StateName}' of grain {write.GrainId}: stored etag is {storedEtag ?? "none"}, expected {write.ExpectedEtag ?? "none"}.",
            storedEtag,
            write.ExpectedEtag);
    }

    private static void SetKey(SqliteCommand command, string stateName, string grainId)
    {
        Set(command, "$state", SqliteType.Text, stateName);
        Set(command, "$grain", SqliteType.Text, grainId);
    }

    private static void Set(SqliteCommand command, string name, SqliteType type, object value)
    {
        if (command.Parameters.Contains(name))
        {
            command.Parameters[name].Value = value;
        }
        else
        {
            command.Parameters.Add(name, type).Value = value;
        }
    }
}
