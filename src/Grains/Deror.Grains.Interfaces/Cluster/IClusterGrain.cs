namespace Deror.Grains;

/// <summary>
/// One Exo cluster (key: cluster id): aggregated health, the desired model placements it keeps served, node
/// recovery, task scheduling (which node takes a task) and rolling maintenance.
/// </summary>
public interface IClusterGrain : IGrainWithStringKey
{
    [AlwaysInterleave]
    Task<ClusterHealth> GetHealth();

    [AlwaysInterleave]
    Task<IReadOnlyList<NodeInfo>> GetNodes();

    /// <summary>A node grain reports its latest state (on every heartbeat and transition). One-way: never waits on the cluster.</summary>
    [OneWay]
    Task NodeUpdated(NodeInfo node);

    /// <summary>
    /// Picks a node for a task and assigns it there (resource-aware, per the scheduling policy; a handler task only
    /// on a node that serves its handler). When no Healthy node can take it now, the placement says what it waits
    /// for, and the cluster calls the task back (<see cref="ITaskGrain.Reschedule"/>) when room frees or a node
    /// gains handlers.
    /// </summary>
    [AlwaysInterleave]
    Task<TaskPlacement> Schedule(string taskId, TaskAssignment assignment);

    [AlwaysInterleave]
    Task<ClusterPolicy> GetPolicy();

    Task SetPolicy(ClusterPolicy policy);

    Task<IReadOnlyList<ModelPlacement>> GetModelPlacements();

    /// <summary>Adds or replaces the desired placement of a model.</summary>
    Task SetModelPlacement(ModelPlacement placement);

    Task RemoveModelPlacement(string modelId);

    /// <summary>Starts maintenance (rolling, or one node); <see cref="InvalidOperationException"/> if one is running.</summary>
    Task<MaintenanceStatus> StartMaintenance(MaintenanceRequest request);

    [AlwaysInterleave]
    Task<MaintenanceStatus?> GetMaintenance();

    Task<MaintenanceStatus?> CancelMaintenance();
}
