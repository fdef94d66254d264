using Deror.Runtime.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Deror.Persistence.Sqlite;

/// <summary>
/// The event streams of one cluster in the shared SQLite file: a row per event plus a counter row per stream.
/// Concurrent appends are group-committed, one write transaction per group. SQLite has one writer per file at a
/// time (across processes too), so sequences are committed, and become visible, in order.
/// </summary>
public sealed class SqliteEventLogStore : IEventLogStore, IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly EventLogAppendQueue _appends;
    private readonly string _clusterId;

    public SqliteEventLogStore(SqliteStorageOptions options, string clusterId, ILoggerFactory loggerFactory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger<SqliteEventLogStore>();
        _database = new SqliteDatabase(options, logger);
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
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT sequence, type, subject, timestamp_utc_ticks, data FROM deror_events
            WHERE cluster_id = $cluster AND stream = $stream AND sequence > $after
            ORDER BY sequence LIMIT $max;
            """;
        AddStream(command, stream);
        command.Parameters.AddWithValue("$after", afterSequence);
        command.Parameters.AddWithValue("$max", maxCount);
        var events = new List<EventRecord>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
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
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT last_sequence FROM deror_event_streams WHERE cluster_id = $cluster AND stream = $stream;";
        AddStream(command, stream);
        return await command.ExecuteScalarAsync(cancellationToken) is long last ? last : 0;
    }

    public async Task TrimAsync(string stream, long beforeSequence, CancellationToken cancellationToken = default)
    {
        EventLogArguments.ValidateTrim(stream, beforeSequence);
        await using var transaction = await _database.BeginWriteAsync(cancellationToken);
        using var command = transaction.CreateCommand("DELETE FROM deror_events WHERE cluster_id = $cluster AND stream = $stream AND sequence < $before;");
        AddStream(command, stream);
        command.Parameters.AddWithValue("$before", beforeSequence);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Waits for queued appends to commit, then releases the file.</summary>
    public void Dispose()
    {
        _appends.Dispose();
        _database.Dispose();
    }

    // One transaction for the whole group: per stream, move its counter by the event count (the counter's new value
    // is the stream's last sequence), then insert the events numbered up to that value.
    private async Task<IReadOnlyList<long>> CommitAsync(IReadOnlyList<EventLogAppend> group)
    {
        await using var transaction = await _database.BeginWriteAsync(CancellationToken.None);
        using var counter = transaction.CreateCommand("""
            INSERT INTO deror_event_streams (cluster_id, stream, last_sequence) VALUES ($cluster, $stream, $count)
            ON CONFLICT (cluster_id, stream) DO UPDATE SET last_sequence = last_sequence + excluded.last_sequence
            RETURNING last_sequence;
            """);
        using var insert = transaction.CreateCommand("""
            INSERT INTO deror_events (cluster_id, stream, sequence, type, subject, timestamp_utc_ticks, data)
            VALUES ($cluster, $stream, $sequence, $type, $subject, $ticks, $data);
            """);
        counter.Parameters.AddWithValue("$cluster", _clusterId);
        insert.Parameters.AddWithValue("$cluster", _clusterId);
        var counterStream = counter.Parameters.Add("$stream", SqliteType.Text);
        var count = counter.Parameters.Add("$count", SqliteType.Integer);
        var stream = insert.Parameters.Add("$stream", SqliteType.Text);
        var sequence = insert.Parameters.Add("$sequence", SqliteType.Integer);
        var type = insert.Parameters.Add("$type", SqliteType.Text);
        var subject = insert.Parameters.Add("$subject", SqliteType.Text);
        var ticks = insert.Parameters.Add("$ticks", SqliteType.Integer);
        var data = insert.Parameters.Add("$data", SqliteType.Text);

        var lastSequences = new long[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            var append = group[i];
            counterStream.Value = append.Stream;
            count.Value = append.Events.Count;
            lastSequences[i] = (long)(await counter.ExecuteScalarAsync())!;
            stream.Value = append.Stream;
            var next = lastSequences[i] - append.Events.Count + 1;
            foreach (var item in append.Events)
            {
                sequence.Value = next++;
                type.Value = item.Type;
                subject.Value = item.Subject;
                ticks.Value = item.Timestamp.UtcTicks;
                data.Value = item.Data;
                await insert.ExecuteNonQueryAsync();
            }
        }
        await transaction.CommitAsync(CancellationToken.None);
        return lastSequences;
    }

    private void AddStream(SqliteCommand command, string stream)
    {
        command.Parameters.AddWithValue("$cluster", _clusterId);
        command.Parameters.AddWithValue("$stream", stream);
    }
}
