using System.Globalization;
using StackExchange.Redis;

namespace Deror.Persistence.Redis;

/// <summary>
/// The key layout. Service data (state, reminders, jobs) lives under <c>deror:svc:{serviceId}:</c>, cluster data
/// (membership, directory, event log) under <c>deror:cluster:{clusterId}:</c>. The braces are a Redis Cluster hash tag: all
/// keys of one service or cluster sit in one slot, so the scripts that touch several of them stay valid there.
/// </summary>
internal sealed class RedisKeys
{
    private readonly string _prefix;

    private RedisKeys(string prefix) => _prefix = prefix;

    public static RedisKeys ForService(string serviceId) => new($"deror:svc:{{{Checked(serviceId)}}}:");

    public static RedisKeys ForCluster(string clusterId) => new($"deror:cluster:{{{Checked(clusterId)}}}:");

    /// <summary>Source of every etag in this scope (INCR), so an etag is never handed out twice, not even after a delete.</summary>
    public RedisKey EtagCounter => _prefix + "etag";

    /// <summary>Hash {data, etag}. The state name is length-prefixed so no (name, grain) pair can spell another's key.</summary>
    public RedisKey State(string stateName, GrainId grainId)
        => $"{_prefix}state:{stateName.Length.ToString(CultureInfo.InvariantCulture)}:{stateName}:{grainId}";

    /// <summary>Sorted set (all scores 0, read by lexicographic range) of <see cref="RedisReminderMember"/>s.</summary>
    public RedisKey ReminderIndex => _prefix + "reminders";

    /// <summary>Hash from reminder member to <c>startTicks:periodTicks:etag</c>.</summary>
    public RedisKey ReminderRows => _prefix + "reminder-rows";

    /// <summary>Sorted set (all scores 0, lexicographic) of <see cref="RedisJobMember"/>s: ordered by due time.</summary>
    public RedisKey JobsByDueTime => _prefix + "jobs-due";

    /// <summary>Prefix of the per-job hashes; the job id follows it.</summary>
    public string JobPrefix => _prefix + "job:";

    /// <summary>Hash {target, name, due, attempt, metadata, etag, member}.</summary>
    public RedisKey Job(string jobId) => JobPrefix + jobId;

    /// <summary>Hash with the table version fields and one field per silo (see <see cref="RedisMembershipTable"/>).</summary>
    public RedisKey Membership => _prefix + "membership";

    /// <summary>Hash {activation, silo, version}: where the grain's single activation lives.</summary>
    public RedisKey GrainEntry(GrainId grainId) => GrainEntryPrefix + grainId;

    /// <summary>Prefix of the directory entry keys; the grain id follows it.</summary>
    public string GrainEntryPrefix => _prefix + "grain:";

    /// <summary>Set of the grain ids registered on one silo, so a dead silo's entries can be removed without a scan.</summary>
    public RedisKey SiloGrains(SiloAddress silo) => SiloGrainsPrefix + silo;

    /// <summary>Prefix of the per-silo grain sets; the silo address follows it.</summary>
    public string SiloGrainsPrefix => _prefix + "silo-grains:";

    /// <summary>Redis Stream of one event stream; each entry's id is <c>{sequence}-0</c>.</summary>
    public RedisKey EventStream(string stream) => _prefix + "events:" + stream;

    /// <summary>The last sequence handed out in one event stream (INCRBY); unlike the stream's entries, trims keep it.</summary>
    public RedisKey EventCounter(string stream) => _prefix + "event-seq:" + stream;

    private static string Checked(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return id.Contains('{', StringComparison.Ordinal) || id.Contains('}', StringComparison.Ordinal)
            ? throw new ArgumentException($"Id '{id}' must not contain braces (they delimit the Redis hash tag).", nameof(id))
            : id;
    }
}
