namespace Deror.Grains;

/// <summary>Whether the sidecar's supervisor has the local Exo process running.</summary>
public enum ExoProcessStatus
{
    /// <summary>Exo is not supervised by this sidecar (adopted from elsewhere or managed externally).</summary>
    External,
    Starting,
    Running,
    /// <summary>Exo died or stopped answering and is being restarted (with backoff).</summary>
    Restarting,
    /// <summary>Stopped on purpose (drain, maintenance, shutdown).</summary>
    Stopped,
}

/// <summary>
/// One heartbeat from a node's sidecar: what its probes of the local Exo saw. The node grain turns a sequence of
/// these into a <see cref="NodeStatus"/>; the cluster grain aggregates them into cluster health.
/// </summary>
public sealed record NodeObservation
{
    public DateTimeOffset ObservedAt { get; init; }

    /// <summary>The silo the sidecar runs in (<c>ip:port:generation</c>).</summary>
    public string Silo { get; init; } = "";

    public ExoProcessStatus Process { get; init; }

    /// <summary>Exo's current node id from <c>/node_id</c>; null when it did not answer. It changes on every Exo restart.</summary>
    public string? ExoNodeId { get; init; }

    /// <summary>Why the last liveness probe failed (refused, timed out, an HTTP error), when it did.</summary>
    public string? ProbeError { get; init; }

    /// <summary>How long <c>/node_id</c> took to answer.</summary>
    public TimeSpan ProbeLatency { get; init; }

    /// <summary>The node id is in the master's <c>topology.nodes</c> with memory and a recent <c>lastSeen</c>.</summary>
    public bool InTopology { get; init; }

    /// <summary>How many nodes the cluster state lists (<c>topology.nodes</c>).</summary>
    public int ClusterNodeCount { get; init; }

    /// <summary>Node ids that linger in <c>nodeIdentities</c> without being in the topology (upstream issue #2194).</summary>
    public IReadOnlyList<string> GhostNodeIds { get; init; } = [];

    /// <summary>Models with a ready instance anywhere in the cluster, as this node's Exo reports them.</summary>
    public IReadOnlyList<string> ServedModels { get; init; } = [];

    /// <summary>Error messages of failed runners on this node.</summary>
    public IReadOnlyList<string> FailedRunners { get; init; } = [];

    public NodeCapacity Capacity { get; init; } = new();

    /// <summary>Names of the code-defined task handlers the sidecar's silo runs, sorted: handler tasks are placed only where theirs is.</summary>
    public IReadOnlyList<string> Handlers { get; init; } = [];

    /// <summary>Ids of the tasks the sidecar is executing right now.</summary>
    public IReadOnlyList<string> RunningTasks { get; init; } = [];

    /// <summary>Whether this sidecar takes new tasks (off while shutting down).</summary>
    public bool AcceptingTasks { get; init; } = true;
}
