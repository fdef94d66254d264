namespace Deror.Grains;

/// <summary>
/// One Exo node (key: the node's name). Holds its lifecycle (<see cref="NodeStatus"/>), what its sidecar observes,
/// and the tasks assigned to it. Sidecars report heartbeats and wait for directives; the cluster grain assigns tasks
/// and drives maintenance.
/// </summary>
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Records a sidecar heartbeat and returns the node's directive.</summary>
    Task<NodeDirective> Heartbeat(NodeObservation observation);

    /// <summary>
    /// Returns the directive as soon as its version differs from <paramref name="knownVersion"/>, or after
    /// <paramref name="maxWait"/> with the current one: a long poll, so a sidecar hears about new tasks at once.
    /// </summary>
    [AlwaysInterleave]
    Task<NodeDirective> WaitForDirective(long knownVersion, TimeSpan maxWait);

    [AlwaysInterleave]
    Task<NodeInfo> GetInfo();

    /// <summary>Assigns a task (stored before this returns); rejected unless the node is Healthy (or Degraded) and serving.</summary>
    /// <remarks>Interleaves, so concurrent assignments share one state write.</remarks>
    [AlwaysInterleave]
    Task Assign(TaskAssignment assignment);

    /// <summary>Removes a finished, cancelled or moved task from the node's desired set.</summary>
    [AlwaysInterleave]
    Task Release(string taskId);

    /// <summary>Starts draining (rolling maintenance or an operator's request).</summary>
    Task BeginDrain(string reason);

    /// <summary>The sidecar finished the drain: tasks gone, instances deleted, Exo stopped.</summary>
    Task ReportDrained();

    /// <summary>The sidecar finished maintenance and started Exo again.</summary>
    Task ReportMaintained();

    /// <summary>The sidecar's maintenance failed (<paramref name="reason"/> says how) and it started Exo again; the cluster grain sees the failure.</summary>
    Task ReportMaintenanceFailed(string reason);

    /// <summary>Asks this node's sidecar to place models through Exo (delivered once, with the next directive).</summary>
    Task RequestPlacements(IReadOnlyList<ModelPlacement> placements);

    /// <summary>Called by the cluster grain when the node's sidecar has been silent too long.</summary>
    Task MarkSilent(string reason, bool dead);
}
