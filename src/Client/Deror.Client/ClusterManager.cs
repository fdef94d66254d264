using System.Runtime.CompilerServices;
using Deror.Grains;

namespace Deror.Client;

/// <summary>
/// The one-stop API for an Exo cluster managed by Deror: health, nodes, maintenance, tasks and the lifecycle event log.
/// <c>await using var cluster = await ClusterManager.ConnectAsync("exo-cluster-01");</c>, or over an existing grain
/// factory (a client or a silo) with <c>new ClusterManager(grains, clusterId)</c>.
/// </summary>
public sealed class ClusterManager : IAsyncDisposable
{
    private static readonly TimeSpan EventPollWait = TimeSpan.FromSeconds(10);

    private readonly IGrainFactory _grains;
    private readonly DerorClient? _ownedClient;

    public ClusterManager(IGrainFactory grains, string clusterId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        _grains = grains;
        ClusterId = clusterId;
    }

    private ClusterManager(DerorClient client, string clusterId)
        : this((IGrainFactory)client, clusterId)
    {
        _ownedClient = client;
    }

    public string ClusterId { get; }

    /// <summary>
    /// Connects to cluster <paramref name="clusterId"/> (default: <c>DEROR_CLUSTER_ID</c>, else <c>local</c>, the cluster
    /// <c>deror up</c> starts) through the gateways in <paramref name="settings"/> (default: <c>DEROR_GATEWAY</c>, else the local silo).
    /// </summary>
    public static async Task<ClusterManager> ConnectAsync(string? clusterId = null, DerorClientSettings? settings = null, CancellationToken cancellationToken = default)
    {
        settings ??= new DerorClientSettings();
        if (clusterId is not null)
        {
            settings.ClusterId = clusterId;
        }
        var client = await DerorClient.ConnectAsync(settings, cancellationToken).ConfigureAwait(false);
        return new ClusterManager(client, settings.ClusterId);
    }

    private IClusterGrain Cluster => _grains.GetGrain<IClusterGrain>(ClusterId);

    public Task<ClusterHealth> HealthCheckAsync() => Cluster.GetHealth();

    public Task<IReadOnlyList<NodeInfo>> GetNodesAsync() => Cluster.GetNodes();

    /// <summary>One node; <see cref="NodeNotFoundException"/> if the cluster has never heard of it.</summary>
    public async Task<NodeInfo> GetNodeAsync(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var nodes = await Cluster.GetNodes().ConfigureAwait(false);
        return nodes.FirstOrDefault(n => n.Name == name) ?? throw new NodeNotFoundException($"Node '{name}' is not known to cluster '{ClusterId}'.");
    }

    /// <summary>Starts maintenance of one node, or of all of them one after another when <paramref name="node"/> is null.</summary>
    public Task<MaintenanceStatus> PerformMaintenanceAsync(string? node = null, int? maxParallel = null, int? minHealthy = null)
        => Cluster.StartMaintenance(new MaintenanceRequest { Node = node, MaxParallel = maxParallel, MinHealthy = minHealthy });

    public Task<MaintenanceStatus?> GetMaintenanceAsync() => Cluster.GetMaintenance();

    public Task<MaintenanceStatus?> CancelMaintenanceAsync() => Cluster.CancelMaintenance();

    public Task<IReadOnlyList<ModelPlacement>> GetModelPlacementsAsync() => Cluster.GetModelPlacements();

    /// <summary>Keeps <paramref name="placement"/> served: Deror places it through Exo and re-places it whenever Exo drops it.</summary>
    public Task SetModelPlacementAsync(ModelPlacement placement) => Cluster.SetModelPlacement(placement);

    public Task RemoveModelPlacementAsync(string modelId) => Cluster.RemoveModelPlacement(modelId);

    public Task<ClusterPolicy> GetPolicyAsync() => Cluster.GetPolicy();

    public Task SetPolicyAsync(ClusterPolicy policy) => Cluster.SetPolicy(policy);

    /// <summary>
    /// Submits a task (stored before this returns). With an idempotency key or <see cref="TaskSpec.Deduplicate"/>, a repeated
    /// submission returns the same task.
    /// </summary>
    public async Task<TaskHandle> SubmitAsync(TaskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var id = TaskIds.For(ClusterId, spec);
        await _grains.GetGrain<ITaskGrain>(id).Submit(spec).ConfigureAwait(false);
        return new TaskHandle(_grains, id);
    }

    /// <summary>A handle to the task with <paramref name="id"/> (reading it fails with <see cref="TaskNotFoundException"/> if it does not exist).</summary>
    public TaskHandle GetTask(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return new TaskHandle(_grains, id);
    }

    /// <summary>Tasks, newest first, optionally only those in <paramref name="state"/>.</summary>
    public Task<TaskPage> ListTasksAsync(TaskState? state = null, int offset = 0, int limit = 100)
        => _grains.GetGrain<ITaskIndexGrain>(ClusterId).List(state, offset, limit);

    /// <summary>Reads the lifecycle event log after <paramref name="afterSequence"/>, then follows it live until cancelled.</summary>
    public async IAsyncEnumerable<EventRecord> FollowEventsAsync(long afterSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var feed = _grains.GetGrain<IEventFeedGrain>(ClusterId);
        var position = afterSequence;
        while (!cancellationToken.IsCancellationRequested)
        {
            var batch = await feed.Read(position, 500, EventPollWait).WaitAsync(cancellationToken).ConfigureAwait(false);
            foreach (var e in batch.Events)
            {
                yield return e;
            }
            position = batch.LastSequence;
        }
    }

    public ValueTask DisposeAsync() => _ownedClient?.DisposeAsync() ?? ValueTask.CompletedTask;
}
