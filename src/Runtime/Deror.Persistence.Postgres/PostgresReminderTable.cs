using Deror.Runtime;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Deror.Persistence.Postgres;

/// <summary>
/// Reminder rows in PostgreSQL keyed by (service, grain, name), with the grain hash as an indexed bigint column for
/// ring-range reads and a version from the etag sequence as etag.
/// </summary>
public sealed class PostgresReminderTable : IReminderTable, IDisposable
{
    private const string SelectColumns = "SELECT grain_id, reminder_name, start_at_utc_ticks, period_ticks, version FROM deror_reminders";

    private readonly PostgresDatabase _database;
    private readonly string _serviceId;

    public PostgresReminderTable(PostgresStorageOptions options, string serviceId, ILoggerFactory loggerFactory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _serviceId = serviceId;
        _database = new PostgresDatabase(options, loggerFactory.CreateLogger<PostgresReminderTable>());
    }

    public async Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = ServiceCommand(connection, $"{SelectColumns} WHERE service_id = @service AND grain_id = @grain;");
        command.Parameters.AddWithValue("grain", grainId.ToString());
        return await ReadEntriesAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(uint begin, uint end, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = ServiceCommand(connection, "");
        command.CommandText = $"{SelectColumns} WHERE service_id = @service AND {PostgresRingRange.Condition(command, "grain_hash", begin, end)};";
        return await ReadEntriesAsync(command, cancellationToken);
    }

    public async Task<ReminderEntry?> ReadRowAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reminderName);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = ServiceCommand(connection, $"{SelectColumns} WHERE service_id = @service AND grain_id = @grain AND reminder_name = @name;");
        command.Parameters.AddWithValue("grain", grainId.ToString());
        command.Parameters.AddWithValue("name", reminderName);
        var rows = await ReadEntriesAsync(command, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.ReminderName);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = ServiceCommand(connection, """
            INSERT INTO deror_reminders (service_id, grain_id, reminder_name, grain_hash, start_at_utc_ticks, period_ticks, version)
            VALUES (@service, @grain, @name, @hash, @start, @period, nextval('deror_etag_sequence'))
            ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE SET
                start_at_utc_ticks = excluded.start_at_utc_ticks, period_ticks = excluded.period_ticks, version = excluded.version
            RETURNING version;
            """);
        command.Parameters.AddWithValue("grain", entry.GrainId.ToString());
        command.Parameters.AddWithValue("name", entry.ReminderName);
        command.Parameters.AddWithValue("hash", (long)entry.GrainHash);
        command.Parameters.AddWithValue("start", entry.StartAt.UtcTicks);
        command.Parameters.AddWithValue("period", entry.Period.Ticks);
        return PostgresEtag.Format((long)(await command.ExecuteScalarAsync(cancellationToken))!);
    }

    public async Task<bool> RemoveRowAsync(GrainId grainId, string reminderName, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reminderName);
        if (!PostgresEtag.TryParse(etag, out var version))
        {
            return false;
        }
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = ServiceCommand(connection, "DELETE FROM deror_reminders WHERE service_id = @service AND grain_id = @grain AND reminder_name = @name AND version = @version;");
        command.Parameters.AddWithValue("grain", grainId.ToString());
        command.Parameters.AddWithValue("name", reminderName);
        command.Parameters.AddWithValue("version", version);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public void Dispose() => _database.Dispose();

    private NpgsqlCommand ServiceCommand(NpgsqlConnection connection, string sql)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("service", _serviceId);
        return command;
    }

    private static async Task<IReadOnlyList<ReminderEntry>> ReadEntriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<ReminderEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new ReminderEntry(
                GrainId.Parse(reader.GetString(0)),
                reader.GetString(1),
                new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero),
                TimeSpan.FromTicks(reader.GetInt64(3)),
                PostgresEtag.Format(reader.GetInt64(4))));
        }
        return entries;
    }
}
