namespace Deror.Grains;

/// <summary>
/// The cluster's lifecycle event log: one stream per cluster id in the store's <see cref="IEventLogStore"/>. Each
/// event's <c>Data</c> is the JSON of the record named by its type.
/// </summary>
public static class LifecycleEvents
{
    /// <summary>A task changed state; data: <see cref="TaskTransitionEvent"/>.</summary>
    public const string TaskTransition = "task";

    /// <summary>A node changed status; data: <see cref="NodeTransitionEvent"/>.</summary>
    public const string NodeTransition = "node";

    /// <summary>Maintenance progressed; data: <see cref="MaintenanceStatus"/>.</summary>
    public const string Maintenance = "maintenance";

    /// <summary>The cluster's health status changed; data: <see cref="ClusterHealth"/>.</summary>
    public const string ClusterHealth = "cluster";

    public static string StreamOf(string clusterId) => "lifecycle/" + clusterId;
}

public sealed record TaskTransitionEvent(TaskSummary Task, TaskState From, TaskState To, string Reason);

public sealed record NodeTransitionEvent(string Node, NodeStatus From, NodeStatus To, string Reason);

/// <summary>The events after a position, and the position to ask from next time.</summary>
public sealed record EventBatch(IReadOnlyList<EventRecord> Events, long LastSequence);

/// <summary>Reads the cluster's lifecycle event log for clients (key: cluster id). Runs on any silo.</summary>
public interface IEventFeedGrain : IGrainWithStringKey
{
    /// <summary>
    /// Events after <paramref name="afterSequence"/> (at most <paramref name="maxCount"/>); when there are none yet,
    /// waits up to <paramref name="maxWait"/> for some (a long poll for live views).
    /// </summary>
    Task<EventBatch> Read(long afterSequence, int maxCount, TimeSpan maxWait);
}
