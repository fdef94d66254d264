using Deror.Runtime.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Deror.Persistence.Postgres;

/// <summary>
/// The event streams of one cluster in PostgreSQL: a row per event (deror_events) plus a counter row per stream
/// (deror_event_streams). An append moves its stream's counter and inserts its events in one statement; the counter
/// row stays locked until the append commits, so appends to a stream commit one after another in sequence order and
/// a reader never sees a sequence before every lower one. Concurrent appends are group-committed in one round trip.
/// </summary>
public sealed class PostgresEventLogStore : IEventLogStore, IDisposable
{
    // The counter's new value is the stream's last sequence; the events are numbered up to it by their ordinal.
    private const string AppendSql = """
        WITH counter AS (
            INSERT INTO deror_event_streams (cluster_id, stream, last_sequence) VALUES (@cluster, @stream, @count)
            ON CONFLICT (cluster_id, stream) DO UPDATE SET last_sequence = deror_event_streams.last_sequence + excluded.last_sequence
            RETURNING last_sequence),
        appended AS (
            INSERT INTO deror_events (cluster_id, stream, sequence, type, subject, timestamp_utc_ticks, data)
            SELECT @cluster, @stream, counter.last_sequence - @count + e.ordinal, e.type, e.subject, e.ticks, e.data
            FROM counter, unnest(@types, @subjects, @ticks, @data) WITH ORDINALITY AS e(type, subject, ticks, data, ordinal))
        SELECT last_sequence FROM counter;
        """;

    private readonly PostgresDatabase _database;
    private readonly EventLogAppendQueue _appends;
    private readonly string _clusterId;

    public PostgresEventLogStore(PostgresStorageOptions options, string clusterId, ILoggerFactory loggerFactory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger<PostgresEventLogStore>();
        _database = new PostgresDatabase(options, logger);
        _clusterId = clusterId;
        _appends = new EventLogAppendQueue(CommitAsync, logger);
    }

    public Task<long> AppendAsync(string stream, IReadOnlyList<NewEvent> events, CancellationToken cancellationToken = default)
        => _appends.AppendAsync(stream, events, cancellationToken);

    public async Task<IReadOnlyList<EventRecord>> ReadAsync(string stream, long afterSequence, int maxCount, CancellationToken cancellationToken = default)
    {
        EventLogArguments.ValidateRead(stream, afterSequence, maxCount);
        if (maxCount == 0)
        {
            return [];
        }
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = StreamCommand(connection, stream, """
            SELECT sequence, type, subject, timestamp_utc_ticks, data FROM deror_events
            WHERE cluster_id = @cluster AND stream = @stream AND sequence > @after
            ORDER BY sequence LIMIT @max;
            """);
        command.Parameters.AddWithValue("after", afterSequence);
        command.Parameters.AddWithValue("max", maxCount);
        var events = new List<EventRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new EventRecord(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero),
                reader.GetString(4)));
        }
        return events;
    }

    public async Task<long> GetLastSequenceAsync(string stream, CancellationToken cancellationToken = default)
    {
        EventLogArguments.ValidateStream(stream);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = StreamCommand(connection, stream, "SELECT last_sequence FROM deror_event_streams WHERE cluster_id = @cluster AND stream = @stream;");
        return await command.ExecuteScalarAsync(cancellationToken) is long last ? last : 0;
    }

    public async Task TrimAsync(string stream, long beforeSequence, CancellationToken cancellationToken = default)
    {
        EventLogArguments.ValidateTrim(stream, beforeSequence);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = StreamCommand(connection, stream, "DELETE FROM deror_events WHERE cluster_id = @cluster AND stream = @stream AND sequence < @before;");
        command.Parameters.AddWithValue("before", beforeSequence);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Waits for queued appends to commit, then closes the pool.</summary>
    public void Dispose()
    {
        _appends.Dispose();
        _database.Dispose();
    }

    // One batch, one round trip: Npgsql runs a batch outside an explicit transaction as one implicit transaction, so
    // the group commits whole or not at all. The queue hands the streams over in ordinal order, so every group locks
    // counter rows in the same order and two silos' groups cannot deadlock.
    private async Task<IReadOnlyList<long>> CommitAsync(IReadOnlyList<EventLogAppend> group)
    {
        await using var connection = await _database.OpenAsync(CancellationToken.None);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var append in group)
        {
            batch.BatchCommands.Add(AppendCommand(append));
        }
        var lastSequences = new long[group.Count];
        await using var reader = await batch.ExecuteReaderAsync();
        for (var i = 0; i < group.Count; i++)
        {
            if (!await reader.ReadAsync())
            {
                throw new InvalidOperationException($"Appending to event stream '{group[i].Stream}' returned no sequence.");
            }
            lastSequences[i] = reader.GetInt64(0);
            await reader.NextResultAsync();
        }
        return lastSequences;
    }

    private NpgsqlBatchCommand AppendCommand(EventLogAppend append)
    {
        var events = append.Events;
        var command = new NpgsqlBatchCommand(AppendSql);
        command.Parameters.AddWithValue("cluster", _clusterId);
        command.Parameters.AddWithValue("stream", append.Stream);
        command.Parameters.AddWithValue("count", (long)events.Count);
        command.Parameters.AddWithValue("types", NpgsqlDbType.Array | NpgsqlDbType.Text, events.Select(e => e.Type).ToArray());
        command.Parameters.AddWithValue("subjects", NpgsqlDbType.Array | NpgsqlDbType.Text, events.Select(e => e.Subject).ToArray());
        command.Parameters.AddWithValue("ticks", NpgsqlDbType.Array | NpgsqlDbType.Bigint, events.Select(e => e.Timestamp.UtcTicks).ToArray());
        command.Parameters.AddWithValue("data", NpgsqlDbType.Array | NpgsqlDbType.Text, events.Select(e => e.Data).ToArray());
        return command;
    }

    private NpgsqlCommand StreamCommand(NpgsqlConnection connection, string stream, string sql)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("cluster", _clusterId);
        command.Parameters.AddWithValue("stream", stream);
        return command;
    }
}
