using System.ComponentModel.DataAnnotations;

namespace Deror.Configuration;

/// <summary>
/// Failure detection. Orleans probes every 5 s with a 5 s timeout and 3 misses; Deror's defaults detect a killed
/// silo in about 3 s (a refused connection fails a probe at once) and a hung one in about 4 s, while a busy prober
/// that was starved of CPU does not count its own lateness as the target's fault, and asks another silo to probe
/// before it votes.
/// </summary>
public sealed class ClusterMembershipOptions
{
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a probe may take to be answered (a probe waits up to 1.5 times this). 600 ms keeps a probe of a
    /// hung silo within one 1 s probe interval, so a hung silo is declared dead in about 4 s like a crashed one in
    /// about 3 s; a healthy silo on a saturated 2-core machine answers in milliseconds (see docs/performance.md).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(600);

    /// <summary>Consecutive missed probes before a silo votes its target dead.</summary>
    [Range(1, 100)]
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>How many other silos each silo probes.</summary>
    [Range(1, 100)]
    public int ProbedSilos { get; set; } = 3;

    /// <summary>Votes needed to declare a silo dead (never more than a majority of active silos).</summary>
    [Range(1, 100)]
    public int VotesForDeathDeclaration { get; set; } = 2;

    /// <summary>Votes older than this no longer count.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan DeathVoteExpiration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a silo writes its IAmAlive time (for tooling and stale-row cleanup; failure detection uses probes).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan IAmAliveInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the full table is read even without gossip.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan TableRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Dead rows older than this are deleted from the table.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan DefunctSiloExpiration { get; set; } = TimeSpan.FromDays(1);
}
