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
    /// <summary>Cancelled by an operator, or stopped because a node's maintenance failed (policy <see cref="MaintenanceFailureAction.Stop"/>).</summary>
    Cancelled,
}

/// <summary>One node's progress through a maintenance run; <paramref name="Error"/> says why its maintenance failed, if it did.</summary>
public sealed record MaintenanceStep(string Node, NodeStatus? Status, bool Done, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error = null);

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
