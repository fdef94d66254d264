using System.Globalization;
using Deror.Runtime;
using StackExchange.Redis;

namespace Deror.Persistence.Redis;

/// <summary>
/// Reminders of one service: a sorted set of <see cref="RedisReminderMember"/>s (lexicographic, so a ring range is one or
/// two ZRANGEBYLEX calls) and a hash from member to <c>startTicks:periodTicks:etag</c>.
/// </summary>
public sealed class RedisReminderTable : IReminderTable
{
    // ARGV holds (min, max) lexicographic bound pairs. Returns member, row, member, row, ...
    private const string ReadRangesScript = """
        local rows = {}
        for i = 1, #ARGV, 2 do
          for _, member in ipairs(redis.call('ZRANGEBYLEX', KEYS[1], ARGV[i], ARGV[i + 1])) do
            local row = redis.call('HGET', KEYS[2], member)
            if row then
              rows[#rows + 1] = member
              rows[#rows + 1] = row
            end
          end
        end
        return rows
        """;

    private const string UpsertScript = RedisScript.NextEtagFunction + """
        local etag = next_etag(KEYS[3])
        redis.call('ZADD', KEYS[1], 0, ARGV[1])
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. ':' .. etag)
        return etag
        """;

    private const string RemoveScript = """
        local row = redis.call('HGET', KEYS[2], ARGV[1])
        if not row or string.match(row, '[^:]*$') ~= ARGV[2] then return 0 end
        redis.call('HDEL', KEYS[2], ARGV[1])
        redis.call('ZREM', KEYS[1], ARGV[1])
        return 1
        """;

    private readonly RedisConnection _connection;
    private readonly RedisKeys _keys;

    public RedisReminderTable(RedisConnection connection, string serviceId)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _keys = RedisKeys.ForService(serviceId);
    }

    public async Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken = default)
    {
        // Members of the grain's hash, minus those of other grains that happen to share it.
        var rows = await ReadRangesAsync(RedisLexRange.ForHash(grainId.GetUniformHashCode()), cancellationToken);
        return rows.Where(row => row.GrainId == grainId).ToList();
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(uint begin, uint end, CancellationToken cancellationToken = default)
        => ReadRangesAsync(RedisLexRange.ForRing(begin, end), cancellationToken);

    public async Task<ReminderEntry?> ReadRowAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reminderName);
        var database = await _connection.GetDatabaseAsync();
        var row = await database.HashGetAsync(_keys.ReminderRows, RedisReminderMember.Format(grainId, reminderName)).WaitAsync(cancellationToken);
        return row.IsNull ? null : ParseRow(grainId, reminderName, row!);
    }

    public async Task<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.ReminderName);
        var database = await _connection.GetDatabaseAsync();
        var schedule = string.Create(CultureInfo.InvariantCulture, $"{entry.StartAt.UtcTicks}:{entry.Period.Ticks}");
        var result = await database.RunAsync(UpsertScript, [_keys.ReminderIndex, _keys.ReminderRows, _keys.EtagCounter], RedisReminderMember.Format(entry.GrainId, entry.ReminderName), schedule)
            .WaitAsync(cancellationToken);
        return (string)result!;
    }

    public async Task<bool> RemoveRowAsync(GrainId grainId, string reminderName, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reminderName);
        ArgumentNullException.ThrowIfNull(etag);
        var database = await _connection.GetDatabaseAsync();
        var result = await database.RunAsync(RemoveScript, [_keys.ReminderIndex, _keys.ReminderRows], RedisReminderMember.Format(grainId, reminderName), etag)
            .WaitAsync(cancellationToken);
        return (long)result == 1;
    }

    private async Task<IReadOnlyList<ReminderEntry>> ReadRangesAsync(RedisValue[] bounds, CancellationToken cancellationToken)
    {
        var database = await _connection.GetDatabaseAsync();
        var flat = (RedisResult[])(await database.RunAsync(ReadRangesScript, [_keys.ReminderIndex, _keys.ReminderRows], bounds).WaitAsync(cancellationToken))!;
        var entries = new List<ReminderEntry>(flat.Length / 2);
        for (var i = 0; i < flat.Length; i += 2)
        {
            var (grainId, reminderName) = RedisReminderMember.Parse((string)flat[i]!);
            entries.Add(ParseRow(grainId, reminderName, (string)flat[i + 1]!));
        }
        return entries;
    }

    private static ReminderEntry ParseRow(GrainId grainId, string reminderName, string row)
    {
        var parts = row.Split(':');
        return new ReminderEntry(
            grainId,
            reminderName,
            new DateTimeOffset(long.Parse(parts[0], CultureInfo.InvariantCulture), TimeSpan.Zero),
            TimeSpan.FromTicks(long.Parse(parts[1], CultureInfo.InvariantCulture)),
            parts[2]);
    }
}
