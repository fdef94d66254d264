using Deror.Exo.Models;

namespace Deror.Exo.Health;

/// <summary>A node's membership as the master sees it; <see cref="Lag"/> is behind the newest lastSeen.</summary>
public sealed record NodeMembership(string NodeId, bool InTopology, bool HasMemory, DateTimeOffset? LastSeen, TimeSpan? Lag, bool IsMember);

public enum InstanceServingStatus
{
    /// <summary>Not in the state: never placed, deleted, or wiped by a master change.</summary>
    Missing,

    /// <summary>Placed, runners not all ready yet.</summary>
    Loading,

    Ready,

    /// <summary>At least one runner is RunnerFailed.</summary>
    Failed,
}

/// <summary>One instance's serving state, with each runner's status (null: the runner has not reported yet).</summary>
public sealed record InstanceHealth(
    string InstanceId,
    string? ModelId,
    InstanceServingStatus Status,
    IReadOnlyDictionary<string, RunnerStatus?> Runners,
    IReadOnlyList<RunnerFailure> Failures);

public sealed record RunnerFailure(string RunnerId, string ErrorMessage);

public sealed record NodeCapacity(
    string NodeId,
    MemorySize RamTotal,
    MemorySize RamAvailable,
    MemorySize? DiskTotal,
    MemorySize? DiskAvailable,
    IReadOnlyList<string> Backends);
