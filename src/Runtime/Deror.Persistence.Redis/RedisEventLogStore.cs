using System.Globalization;
using Deror.Runtime.Storage;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Deror.Persistence.Redis;

/// <summary>
/// The event streams of one cluster as Redis Streams, one per event stream, whose entry ids are the sequences
/// (<c>{sequence}-0</c>), so XRANGE reads by sequence and XTRIM MINID trims by it (Redis 6.2 or later). A counter key
/// per stream hands out the sequences and survives trims. Concurrent appends are group-committed: one Lua script
/// appends a whole group, and Redis runs a script alone, so every append is atomic and visible in sequence order.
/// </summary>
public sealed class RedisEventLogStore : IEventLogStore, IDisposable
{
    // KEYS: per stream, the stream and its counter. ARGV: per stream, the event count and then 4 values per event
    // (type, subject, UTC ticks, data). Returns each stream's new last sequence.
    private const string AppendScript = """
        local lasts, a = {}, 1
        for k = 1, #KEYS, 2 do
          local count = tonumber(ARGV[a])
          a = a + 1
          local last = redis.call('INCRBY', KEYS[k + 1], count)
          for sequence = last - count + 1, last do
            redis.call('XADD', KEYS[k], string.format('%d-0', sequence), 'type', ARGV[a], 'subject', ARGV[a + 1], 'ticks', ARGV[a + 2], 'data', ARGV[a + 3])
            a = a + 4
          end
          lasts[#lasts + 1] = last
        end
        return lasts
        """;

    // KEYS: stream. ARGV: first id, max count.
    private const string ReadScript = "return redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2])";

    // KEYS: stream. ARGV: the lowest id to keep. XTRIM on a missing key creates nothing.
    private const string TrimScript = "return redis.call('XTRIM', KEYS[1], 'MINID', ARGV[1])";

    private readonly RedisConnection _connection;
    private readonly RedisKeys _keys;
    private readonly EventLogAppendQueue _appends;

    public RedisEventLogStore(RedisConnection connection, string clusterId, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _connection = connection;
        _keys = RedisKeys.ForCluster(clusterId);
        _appends = new EventLogAppendQueue(CommitAsync, loggerFactory.CreateLogger<RedisEventLogStore>());
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
        var database = await _connection.GetDatabaseAsync();
        var entries = (RedisResult[])(await database.RunAsync(ReadScript, [_keys.EventStream(stream)], EntryId(afterSequence + 1), maxCount)
            .WaitAsync(cancellationToken))!;
        return [.. entries.Select(entry => ToRecord((RedisResult[])entry!))];
    }

    public async Task<long> GetLastSequenceAsync(string stream, CancellationToken cancellationToken = default)
    {
        EventLogArguments.ValidateStream(stream);
        var database = await _connection.GetDatabaseAsync();
        var last = await database.StringGetAsync(_keys.EventCounter(stream)).WaitAsync(cancellationToken);
        return last.IsNull ? 0 : (long)last;
    }

    public async Task TrimAsync(string stream, long beforeSequence, CancellationToken cancellationToken = default)
    {
        EventLogArguments.ValidateTrim(stream, beforeSequence);
        var database = await _connection.GetDatabaseAsync();
        await database.RunAsync(TrimScript, [_keys.EventStream(stream)], EntryId(beforeSequence)).WaitAsync(cancellationToken);
    }

    /// <summary>Waits for queued appends to be written; the connection is not this store's to close.</summary>
    public void Dispose() => _appends.Dispose();

    private async Task<IReadOnlyList<long>> CommitAsync(IReadOnlyList<EventLogAppend> group)
    {
        var keys = new RedisKey[group.Count * 2];
        var values = new List<RedisValue>();
        for (var i = 0; i < group.Count; i++)
        {
            var append = group[i];
            keys[2 * i] = _keys.EventStream(append.Stream);
            keys[(2 * i) + 1] = _keys.EventCounter(append.Stream);
            values.Add(append.Events.Count);
            foreach (var item in append.Events)
            {
                values.Add(item.Type);
                values.Add(item.Subject);
                values.Add(item.Timestamp.UtcTicks);
                values.Add(item.Data);
            }
        }
        var database = await _connection.GetDatabaseAsync();
        var lasts = (RedisResult[])(await database.RunAsync(AppendScript, keys, [.. values]))!;
        return [.. lasts.Select(last => (long)last)];
    }

    private static string EntryId(long sequence) => string.Create(CultureInfo.InvariantCulture, $"{sequence}-0");

    // An entry is [id, [field, value, ...]] with the fields the append script wrote.
    private static EventRecord ToRecord(RedisResult[] entry)
    {
        var id = (string)entry[0]!;
        var fields = (RedisResult[])entry[1]!;
        string? type = null, subject = null, data = null;
        long? ticks = null;
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            switch ((string)fields[i]!)
            {
                case "type": type = (string)fields[i + 1]!; break;
                case "subject": subject = (string)fields[i + 1]!; break;
                case "ticks": ticks = (long)fields[i + 1]; break;
                case "data": data = (string)fields[i + 1]!; break;
            }
        }
        if (type is null || subject is null || ticks is null || data is null)
        {
            throw new InvalidOperationException($"Event log entry {id} lacks a field; it was not written by this store.");
        }
        return new EventRecord(long.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), CultureInfo.InvariantCulture), type, subject, new DateTimeOffset(ticks.Value, TimeSpan.Zero), data);
    }
}
