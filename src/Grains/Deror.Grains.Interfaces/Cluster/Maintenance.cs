namespace Deror.Grains;

/// <summary>A request for maintenance: one node, or all of them one after another (rolling).</summary>
public sealed record MaintenanceRequest
{
    /// <summary>The node to maintain; null for a rolling maintenance of every node.</summary>
    public string? Node { get; init; }

    /// <summary>How many nodes may be in maintenance at once (default: the cluster policy's).</summary>
    public int? MaxParallel { get; init; }

    /// <summary>Never take a node down if fewer than this many would stay Healthy (default: the cluster policy's).</summary>
    public int? MinHealthy { get; init; }
}

public enum MaintenancePhase
{
    /// <summary>Waiting until enough nodes are healthy to take the next one down.</summary>
    Waiting,
    Running,
    Completed,
    Cancelled,
}

/// <summary>One node's progress through a maintenance run.</summary>
public sealed record MaintenanceStep(string Node, NodeStatus? Status, bool Done, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

/// <summary>Progress of the current (or last) maintenance run; it survives silo restarts.</summary>
public sealed record MaintenanceStatus
{
    public string Id { get; init; } = "";

    public MaintenancePhase Phase { get; init; }

    public string Detail { get; init; } = "";

    public int MaxParallel { get; init; }

    public int MinHealthy { get; init; }

    public IReadOnlyList<MaintenanceStep> Steps { get; init; } = [];

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }
}
