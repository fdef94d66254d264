using Deror.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Deror.Persistence.Sqlite;

/// <summary>Reminder rows in the shared SQLite file, with the grain hash as an indexed column for ring-range reads.</summary>
public sealed class SqliteReminderTable : IReminderTable, IDisposable
{
    private const string SelectColumns = "SELECT grain_id, reminder_name, start_at_utc_ticks, period_ticks, version FROM deror_reminders";

    private readonly SqliteDatabase _database;

    public SqliteReminderTable(SqliteStorageOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _database = new SqliteDatabase(options, loggerFactory.CreateLogger<SqliteReminderTable>());
    }

    public async Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"{SelectColumns} WHERE grain_id = $grain;";
        command.Parameters.AddWithValue("$grain", grainId.ToString());
        return await ReadEntriesAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(uint begin, uint end, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"{SelectColumns} WHERE {SqliteRingRange.Condition(command, "grain_hash", begin, end)};";
        return await ReadEntriesAsync(command, cancellationToken);
    }

    public async Task<ReminderEntry?> ReadRowAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reminderName);
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"{SelectColumns} WHERE grain_id = $grain AND reminder_name = $name;";
        command.Parameters.AddWithValue("$grain", grainId.ToString());
        command.Parameters.AddWithValue("$name", reminderName);
        var rows = await ReadEntriesAsync(command, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.ReminderName);
        await using var transaction = await _database.BeginWriteAsync(cancellationToken);
        var (version, etag) = await transaction.NextVersionAsync(cancellationToken);
        using var command = transaction.CreateCommand("""
            INSERT INTO deror_reminders (grain_id, reminder_name, grain_hash, start_at_utc_ticks, period_ticks, version)
            VALUES ($grain, $name, $hash, $start, $period, $version)
            ON CONFLICT (grain_id, reminder_name) DO UPDATE SET
                start_at_utc_ticks = excluded.start_at_utc_ticks, period_ticks = excluded.period_ticks, version = excluded.version;
            """);
        command.Parameters.AddWithValue("$grain", entry.GrainId.ToString());
        command.Parameters.AddWithValue("$name", entry.ReminderName);
        command.Parameters.AddWithValue("$hash", (long)entry.GrainHash);
        command.Parameters.AddWithValue("$start", entry.StartAt.UtcTicks);
        command.Parameters.AddWithValue("$period", entry.Period.Ticks);
        command.Parameters.AddWithValue("$version", version);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return etag;
    }

    public async Task<bool> RemoveRowAsync(GrainId grainId, string reminderName, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reminderName);
        if (!SqliteEtag.TryParse(etag, out var version))
        {
            return false;
        }
        await using var transaction = await _database.BeginWriteAsync(cancellationToken);
        using var command = transaction.CreateCommand("DELETE FROM deror_reminders WHERE grain_id = $grain AND reminder_name = $name AND version = $version;");
        command.Parameters.AddWithValue("$grain", grainId.ToString());
        command.Parameters.AddWithValue("$name", reminderName);
        command.Parameters.AddWithValue("$version", version);
        var removed = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return removed;
    }

    public void Dispose() => _database.Dispose();

    private static async Task<IReadOnlyList<ReminderEntry>> ReadEntriesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<ReminderEntry>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new ReminderEntry(
                GrainId.Parse(reader.GetString(0)),
                reader.GetString(1),
                new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero),
                TimeSpan.FromTicks(reader.GetInt64(3)),
                SqliteEtag.Format(reader.GetInt64(4))));
        }
        return entries;
    }
}
