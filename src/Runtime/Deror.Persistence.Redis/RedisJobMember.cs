using System.Globalization;

namespace Deror.Persistence.Redis;

/// <summary>
/// A job's member in the service's due-time sorted set: <c>dueTicks(19 digits):targetHash(8 hex):jobId</c>. Fixed-width
/// ticks make lexicographic order the due-time order at full tick precision (a double score would round ticks), and
/// the hash lets the due scan filter by ring range without reading the job.
/// </summary>
internal static class RedisJobMember
{
    /// <summary>1-based Lua positions of the fields, for <see cref="RedisDurableJobStore"/>'s scan.</summary>
    public const int HashStart = 21;
    public const int HashEnd = 28;
    public const int JobIdStart = 30;

    public static string Format(DateTimeOffset dueTime, uint targetHash, string jobId)
        => $"{DueTicks(dueTime)}:{RedisLexRange.Hex(targetHash)}:{jobId}";

    /// <summary>The exclusive upper bound of the members due at or before <paramref name="dueBy"/>.</summary>
    public static string DueAfter(DateTimeOffset dueBy) => "(" + DueTicks(dueBy.AddTicks(1));

    private static string DueTicks(DateTimeOffset time) => time.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
}
