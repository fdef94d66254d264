namespace Deror.Grains;

/// <summary>One recorded status change of a node.</summary>
public sealed record NodeTransition(NodeStatus From, NodeStatus To, string Reason, DateTimeOffset At);

/// <summary>Everything known about one Exo node.</summary>
public sealed record NodeInfo
{
    /// <summary>Deror's stable name for the node (the machine), unlike Exo's node id which changes on every restart.</summary>
    public string Name { get; init; } = "";

    public NodeStatus Status { get; init; }

    public string Reason { get; init; } = "";

    public DateTimeOffset StatusSince { get; init; }

    public string? ExoNodeId { get; init; }

    public string? Silo { get; init; }

    public DateTimeOffset? LastHeartbeat { get; init; }

    public NodeObservation? LastObservation { get; init; }

    public NodeCapacity Capacity { get; init; } = new();

    /// <summary>Names of the task handlers the node's silo runs, from its latest heartbeat: a handler task is placed only on a node that has its handler.</summary>
    public IReadOnlyList<string> Handlers { get; init; } = [];

    /// <summary>Ids of the tasks assigned to this node.</summary>
    public IReadOnlyList<string> Tasks { get; init; } = [];

    /// <summary>CPU cores and memory reserved by the assigned tasks.</summary>
    public double ReservedCpuCores { get; init; }

    public long ReservedMemoryBytes { get; init; }

    /// <summary>Why the node's last maintenance failed (its sidecar's report); null when it succeeded. Cleared when the next drain begins.</summary>
    public string? MaintenanceFailure { get; init; }

    /// <summary>The most recent transitions, newest last (bounded).</summary>
    public IReadOnlyList<NodeTransition> History { get; init; } = [];
}
