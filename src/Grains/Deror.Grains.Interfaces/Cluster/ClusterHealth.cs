namespace Deror.Grains;

public enum ClusterStatus
{
    Healthy,
    /// <summary>Serving, but something needs attention (a node down, ghosts, models not served, maintenance).</summary>
    Degraded,
    /// <summary>Fewer healthy nodes than the policy's minimum, or no healthy node at all.</summary>
    Unhealthy,
}

/// <summary>One node in the cluster's health report.</summary>
public sealed record NodeSummary(string Name, NodeStatus Status, string Reason, string? ExoNodeId, int Tasks, DateTimeOffset? LastHeartbeat);

/// <summary>The cluster's health: a status, the reasons for it, and a summary per node.</summary>
public sealed record ClusterHealth
{
    public string ClusterId { get; init; } = "";

    public ClusterStatus Status { get; init; }

    public IReadOnlyList<string> Reasons { get; init; } = [];

    public IReadOnlyList<NodeSummary> Nodes { get; init; } = [];

    public IReadOnlyList<string> DesiredModels { get; init; } = [];

    public IReadOnlyList<string> ServedModels { get; init; } = [];

    public MaintenanceStatus? Maintenance { get; init; }

    public DateTimeOffset At { get; init; }
}
