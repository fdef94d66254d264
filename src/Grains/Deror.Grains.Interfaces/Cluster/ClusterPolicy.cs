namespace Deror.Grains;

public enum SchedulingPolicy
{
    /// <summary>Put each task on the node with the most free room.</summary>
    Spread,
    /// <summary>Fill the fullest node that still fits, keeping others free for big tasks.</summary>
    BinPack,
}

/// <summary>What rolling maintenance does when a node's maintenance fails (the node itself comes back serving).</summary>
public enum MaintenanceFailureAction
{
    /// <summary>Take no further node down: the run ends (Cancelled) with the failure as its detail.</summary>
    Stop,
    /// <summary>Record the failure on the node's step and go on with the next node.</summary>
    Skip,
}

/// <summary>How the cluster schedules, recovers nodes and runs maintenance. Validated when set.</summary>
public sealed record ClusterPolicy
{
    public SchedulingPolicy Scheduling { get; init; } = SchedulingPolicy.Spread;

    /// <summary>Maintenance never takes a node down when fewer than this many would stay Healthy.</summary>
    public int MinHealthyNodes { get; init; } = 1;

    /// <summary>How many nodes rolling maintenance takes down at once.</summary>
    public int MaxParallelMaintenance { get; init; } = 1;

    /// <summary>Whether rolling maintenance stops or goes on after a node's maintenance fails.</summary>
    public MaintenanceFailureAction OnMaintenanceFailure { get; init; } = MaintenanceFailureAction.Stop;

    /// <summary>A node whose sidecar is silent this long is Unreachable (its running tasks are rescheduled).</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A node silent this long is Dead.</summary>
    public TimeSpan DeadAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Ask the sidecar to restart Exo after it has been unreachable (but the sidecar alive) this long.</summary>
    public TimeSpan RestartExoAfter { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a drain waits for the node's tasks to finish before handing them to other nodes.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Wait this long after asking for a model placement before asking again.</summary>
    public TimeSpan PlacementRetryInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        Require(MinHealthyNodes >= 0, nameof(MinHealthyNodes), "must be 0 or more");
        Require(MaxParallelMaintenance >= 1, nameof(MaxParallelMaintenance), "must be at least 1");
        Require(Enum.IsDefined(OnMaintenanceFailure), nameof(OnMaintenanceFailure), "must be Stop or Skip");
        Require(HeartbeatTimeout > TimeSpan.Zero, nameof(HeartbeatTimeout), "must be positive");
        Require(DeadAfter > HeartbeatTimeout, nameof(DeadAfter), "must be longer than HeartbeatTimeout");
        Require(RestartExoAfter > TimeSpan.Zero, nameof(RestartExoAfter), "must be positive");
        Require(DrainTimeout > TimeSpan.Zero, nameof(DrainTimeout), "must be positive");
        Require(PlacementRetryInterval > TimeSpan.Zero, nameof(PlacementRetryInterval), "must be positive");
    }

    private static void Require(bool condition, string setting, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"ClusterPolicy.{setting} {rule}.", setting);
        }
    }
}
