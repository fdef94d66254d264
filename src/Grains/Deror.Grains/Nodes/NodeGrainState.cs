namespace Deror.Grains;

/// <summary>The persisted state of a <see cref="NodeGrain"/>: lifecycle and assignments. Heartbeats are not persisted.</summary>
public sealed class NodeGrainState
{
    public NodeStatus Status { get; set; } = NodeStatus.Joining;

    public string Reason { get; set; } = "not heard from yet";

    public DateTimeOffset StatusSince { get; set; }

    public NodeMode Mode { get; set; } = NodeMode.Serve;

    public string? ExoNodeId { get; set; }

    /// <summary>Why the last maintenance failed; cleared when the next drain begins.</summary>
    public string? MaintenanceFailure { get; set; }

    public Dictionary<string, TaskAssignment> Tasks { get; set; } = [];

    public List<NodeTransition> History { get; set; } = [];
}
