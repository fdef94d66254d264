using Deror.Concurrency;

namespace Deror.Grains;

/// <summary>What a node's sidecar should be doing; the sidecar reconciles towards it.</summary>
public enum NodeMode
{
    /// <summary>Run Exo and the assigned tasks.</summary>
    Serve,
    /// <summary>Finish or hand back the assigned tasks, delete this node's model instances, stop Exo, then report <see cref="INodeGrain.ReportDrained"/>.</summary>
    Drain,
    /// <summary>Keep Exo stopped, run the maintenance action, then start Exo and report <see cref="INodeGrain.ReportMaintained"/>.</summary>
    Maintain,
}

/// <summary>
/// One task assigned to a node: which attempt to run, what it is, and when it may start. A deferred start is assigned
/// ahead of its time (staged), so that only the start itself is left for the due instant; the sidecar holds it until
/// <paramref name="NotBefore"/>.
/// </summary>
/// <remarks>Immutable: assignments are never changed once made, so the node grain hands them to its sidecar uncopied.</remarks>
[Immutable]
public sealed record TaskAssignment(string TaskId, int Attempt, TaskSpec Spec, DateTimeOffset? NotBefore = null);

/// <summary>
/// The desired state of one node, versioned so a sidecar can wait for the next change
/// (<see cref="INodeGrain.WaitForDirective"/>) instead of polling. Immutable: the node grain makes a new one for every
/// answer, and its sidecar (in the same silo) takes it uncopied, however many tasks it lists.
/// </summary>
[Immutable]
public sealed record NodeDirective
{
    public long Version { get; init; }

    public NodeMode Mode { get; init; }

    /// <summary>The tasks this node should be running; a running task missing from here is to be stopped.</summary>
    public IReadOnlyList<TaskAssignment> Tasks { get; init; } = [];

    /// <summary>Models this node's sidecar should place through <c>/place_instance</c> (the cluster asks one node at a time).</summary>
    public IReadOnlyList<ModelPlacement> PlaceModels { get; init; } = [];

    /// <summary>Set when the recovery policy wants the local Exo restarted (it has been unreachable too long).</summary>
    public bool RestartExo { get; init; }
}
