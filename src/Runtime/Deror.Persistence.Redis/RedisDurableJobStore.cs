using System.Globalization;
using Deror.Runtime;
using Deror.Runtime.Storage;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Deror.Persistence.Redis;

/// <summary>
/// Durable jobs of one service: a hash per job plus one lexicographic sorted set of <see cref="RedisJobMember"/>s
/// ordered by due time. Every change is a Lua compare-and-set on the job's etag that moves its member in the same step.
/// </summary>
public sealed class RedisDurableJobStore : IDurableJobStore
{
    // KEYS: job, due set, etag counter. ARGV: target, name, due ticks, attempt, metadata, member. Nil if the id exists.
    private const string AddScript = RedisScript.NextEtagFunction + """
        if redis.call('EXISTS', KEYS[1]) == 1 then return false end
        local etag = next_etag(KEYS[3])
        redis.call('HSET', KEYS[1], 'target', ARGV[1], 'name', ARGV[2], 'due', ARGV[3], 'attempt', ARGV[4], 'metadata', ARGV[5], 'etag', etag, 'member', ARGV[6])
        redis.call('ZADD', KEYS[2], 0, ARGV[6])
        return etag
        """;

    // KEYS: job, due set, etag counter. ARGV: etag, due ticks, attempt, member. Nil on an etag mismatch.
    private const string RescheduleScript = RedisScript.NextEtagFunction + """
        if redis.call('HGET', KEYS[1], 'etag') ~= ARGV[1] then return false end
        local etag = next_etag(KEYS[3])
        redis.call('ZREM', KEYS[2], redis.call('HGET', KEYS[1], 'member'))
        redis.call('HSET', KEYS[1], 'due', ARGV[2], 'attempt', ARGV[3], 'etag', etag, 'member', ARGV[4])
        redis.call('ZADD', KEYS[2], 0, ARGV[4])
        return etag
        """;

    // KEYS: job, due set. ARGV: etag.
    private const string RemoveScript = """
        if redis.call('HGET', KEYS[1], 'etag') ~= ARGV[1] then return 0 end
        redis.call('ZREM', KEYS[2], redis.call('HGET', KEYS[1], 'member'))
        redis.call('DEL', KEYS[1])
        return 1
        """;

    // KEYS: due set. ARGV: exclusive upper bound, begin, end, max count, job key prefix. Walks the due jobs earliest
    // first in batches, keeps those whose target hash is in the range; returns 7 values per job (see ReadJobs).
    private static readonly string ReadDueScript = RedisScript.RingRangeFunction + $$"""
        local b, e, wanted = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
        local jobs, found, offset = {}, 0, 0
        while found < wanted do
          local members = redis.call('ZRANGEBYLEX', KEYS[1], '-', ARGV[1], 'LIMIT', offset, 256)
          if #members == 0 then break end
          for _, member in ipairs(members) do
            if in_ring_range(b, e, tonumber(string.sub(member, {{RedisJobMember.HashStart}}, {{RedisJobMember.HashEnd}}), 16)) then
              local id = string.sub(member, {{RedisJobMember.JobIdStart}})
              local job = redis.call('HMGET', ARGV[5] .. id, 'target', 'name', 'due', 'attempt', 'metadata', 'etag')
              jobs[#jobs + 1] = id
              for i = 1, 6 do jobs[#jobs + 1] = job[i] end
              found = found + 1
              if found == wanted then break end
            end
          end
          offset = offset + #members
        end
        return jobs
        """;

    private static readonly RedisValue[] JobFields = ["target", "name", "due", "attempt", "metadata", "etag"];

    private readonly RedisConnection _connection;
    private readonly RedisKeys _keys;
    private readonly ILogger _logger;

    public RedisDurableJobStore(RedisConnection connection, string serviceId, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _connection = connection;
        _keys = RedisKeys.ForService(serviceId);
        _logger = loggerFactory.CreateLogger<RedisDurableJobStore>();
    }

    public async Task<string> AddAsync(DurableJobEntry job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(job.JobId);
        ArgumentNullException.ThrowIfNull(job.JobName);
        ArgumentNullException.ThrowIfNull(job.Metadata);
        var database = await _connection.GetDatabaseAsync();
        var result = await database.RunAsync(
            AddScript,
            [_keys.Job(job.JobId), _keys.JobsByDueTime, _keys.EtagCounter],
            job.Target.ToString(),
            job.JobName,
            Ticks(job.DueTime),
            job.Attempt,
            StringMapJson.Serialize(job.Metadata),
            RedisJobMember.Format(job.DueTime, job.TargetHash, job.JobId)).WaitAsync(cancellationToken);
        return result.IsNull ? throw new InvalidOperationException($"A durable job with id '{job.JobId}' already exists.") : (string)result!;
    }

    public async Task<DurableJobEntry?> ReadAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var database = await _connection.GetDatabaseAsync();
        var values = await database.HashGetAsync(_keys.Job(jobId), JobFields).WaitAsync(cancellationToken);
        return values[5].IsNull ? null : ToJob(jobId, values.Select(value => (string?)value).ToArray());
    }

    public async Task<IReadOnlyList<DurableJobEntry>> ReadDueAsync(uint begin, uint end, DateTimeOffset dueBy, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        if (maxCount == 0)
        {
            return [];
        }
        var database = await _connection.GetDatabaseAsync();
        var flat = (RedisResult[])(await database.RunAsync(
            ReadDueScript,
            [_keys.JobsByDueTime],
            RedisJobMember.DueAfter(dueBy),
            (long)begin,
            (long)end,
            maxCount,
            _keys.JobPrefix).WaitAsync(cancellationToken))!;
        var jobs = new List<DurableJobEntry>(flat.Length / 7);
        for (var i = 0; i < flat.Length; i += 7)
        {
            jobs.Add(ToJob((string)flat[i]!, flat.Skip(i + 1).Take(6).Select(value => (string?)value).ToArray()));
        }
        return jobs;
    }

    public async Task<string?> RescheduleAsync(string jobId, DateTimeOffset dueTime, int attempt, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        ArgumentNullException.ThrowIfNull(etag);
        var database = await _connection.GetDatabaseAsync();
        var target = await database.HashGetAsync(_keys.Job(jobId), "target").WaitAsync(cancellationToken);
        if (target.IsNull)
        {
            RedisLog.JobEtagConflict(_logger, jobId, "rescheduled", etag);
            return null;
        }
        // The target never changes, so its hash read outside the script is still right inside it.
        var member = RedisJobMember.Format(dueTime, GrainId.Parse(target!).GetUniformHashCode(), jobId);
        var result = await database.RunAsync(RescheduleScript, [_keys.Job(jobId), _keys.JobsByDueTime, _keys.EtagCounter], etag, Ticks(dueTime), attempt, member)
            .WaitAsync(cancellationToken);
        if (result.IsNull)
        {
            RedisLog.JobEtagConflict(_logger, jobId, "rescheduled", etag);
            return null;
        }
        return (string)result!;
    }

    public async Task<bool> RemoveAsync(string jobId, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        ArgumentNullException.ThrowIfNull(etag);
        var database = await _connection.GetDatabaseAsync();
        var removed = (long)await database.RunAsync(RemoveScript, [_keys.Job(jobId), _keys.JobsByDueTime], etag).WaitAsync(cancellationToken) == 1;
        if (!removed)
        {
            RedisLog.JobEtagConflict(_logger, jobId, "removed", etag);
        }
        return removed;
    }

    /// <summary>All reads issued at once: the multiplexer pipelines them into one round trip's worth of latency.</summary>
    public async Task<IReadOnlyList<DurableJobEntry>> ReadManyAsync(IReadOnlyList<string> jobIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobIds);
        var jobs = await Task.WhenAll(jobIds.Select(jobId => ReadAsync(jobId, cancellationToken)));
        return [.. jobs.OfType<DurableJobEntry>()];
    }

    /// <summary>Every conditional remove issued at once (pipelined); each stays one atomic script.</summary>
    public async Task<IReadOnlySet<string>> RemoveManyAsync(IReadOnlyList<(string JobId, string ETag)> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var results = await Task.WhenAll(jobs.Select(async job => (job.JobId, Removed: await RemoveAsync(job.JobId, job.ETag, cancellationToken))));
        return results.Where(result => result.Removed).Select(result => result.JobId).ToHashSet(StringComparer.Ordinal);
    }

    private static string Ticks(DateTimeOffset time) => time.UtcTicks.ToString(CultureInfo.InvariantCulture);

    /// <summary>Builds a job from its fields in <see cref="JobFields"/> order.</summary>
    private static DurableJobEntry ToJob(string jobId, string?[] fields) => new(
        jobId,
        GrainId.Parse(fields[0]!),
        fields[1]!,
        new DateTimeOffset(long.Parse(fields[2]!, CultureInfo.InvariantCulture), TimeSpan.Zero),
        int.Parse(fields[3]!, CultureInfo.InvariantCulture),
        StringMapJson.Deserialize(fields[4]!),
        fields[5]);
}
