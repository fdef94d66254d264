using Deror.Exo.Models;

namespace Deror.Exo.Health;

/// <summary>
/// Health read from <c>/state</c> the way Exo itself defines it: membership (topology + nodeMemory + recent
/// lastSeen), serving (runner states of an instance), capacity, ghost identities and what a drain needs.
/// </summary>
public static class ExoHealth
{
    /// <summary>
    /// Whether <paramref name="nodeId"/> is a member: in <c>topology.nodes</c>, with a <c>nodeMemory</c> entry and a
    /// <c>lastSeen</c> no more than <paramref name="maxLag"/> behind the newest <c>lastSeen</c> (the master's clock, so
    /// entries are compared with each other, never with this machine's clock).
    /// </summary>
    public static NodeMembership GetMembership(this ExoState state, string nodeId, TimeSpan maxLag)
    {
        ArgumentNullException.ThrowIfNull(state);
        var inTopology = state.Topology.Nodes.Contains(nodeId);
        var hasMemory = state.NodeMemory.ContainsKey(nodeId);
        TimeSpan? lag = null;
        DateTimeOffset? lastSeen = null;
        if (state.LastSeen.TryGetValue(nodeId, out var seen))
        {
            lastSeen = seen;
            lag = state.LastSeen.Values.Max() - seen;
        }
        return new NodeMembership(nodeId, inTopology, hasMemory, lastSeen, lag, inTopology && hasMemory && lag <= maxLag);
    }

    /// <summary>Exo's own readiness test: <c>len(nodeIdentities) == len(nodeMemory) == expected</c>.</summary>
    public static bool IsClusterReady(this ExoState state, int expectedNodes)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.NodeIdentities.Count == expectedNodes && state.NodeMemory.Count == expectedNodes;
    }

    /// <summary>Identities of departed nodes that linger in <c>nodeIdentities</c> though the topology no longer has them.</summary>
    public static IReadOnlyList<string> GhostIdentities(this ExoState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.NodeIdentities.Keys.Where(id => !state.Topology.Nodes.Contains(id)).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// An instance's serving state: Ready when every runner of its <c>runnerToShard</c> is RunnerReady (or
    /// RunnerRunning — ready and busy with a request, which must not read as "not serving"); Failed when any is
    /// RunnerFailed; Missing when the instance is not in the state (gone, if it existed before).
    /// </summary>
    public static InstanceHealth GetInstanceHealth(this ExoState state, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.Instances.TryGetValue(instanceId, out var instance))
        {
            return new InstanceHealth(instanceId, null, InstanceServingStatus.Missing, new Dictionary<string, RunnerStatus?>(), []);
        }
        var runners = instance.ShardAssignments.RunnerToShard.Keys
            .ToDictionary(id => id, id => state.Runners.GetValueOrDefault(id), StringComparer.Ordinal);
        var failures = runners
            .Where(r => r.Value is RunnerFailed)
            .Select(r => new RunnerFailure(r.Key, ((RunnerFailed)r.Value!).ErrorMessage ?? "(no message)"))
            .ToArray();
        var status = failures.Length > 0 ? InstanceServingStatus.Failed
            : runners.Count > 0 && runners.Values.All(s => s is RunnerReady or RunnerRunning) ? InstanceServingStatus.Ready
            : InstanceServingStatus.Loading;
        return new InstanceHealth(instanceId, instance.ShardAssignments.ModelId, status, runners, failures);
    }

    /// <summary>Instances with a runner on <paramref name="nodeId"/> (<c>shardAssignments.nodeToRunner</c>): step 2 of a drain.</summary>
    public static IReadOnlyList<ExoInstance> InstancesUsingNode(this ExoState state, string nodeId)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Instances.Values.Where(i => i.ShardAssignments.NodeToRunner.ContainsKey(nodeId)).ToArray();
    }

    /// <summary>Pending or Running tasks of the given instances: a drain waits until there are none.</summary>
    public static IReadOnlyList<ExoTask> ActiveTasksOf(this ExoState state, IEnumerable<string> instanceIds)
    {
        ArgumentNullException.ThrowIfNull(state);
        var ids = instanceIds.ToHashSet(StringComparer.Ordinal);
        return state.Tasks.Values.Where(t => t.IsActive && ids.Contains(t.InstanceId)).ToArray();
    }

    /// <summary>A node's RAM, disk and backends; null when the state has no memory entry for it.</summary>
    public static NodeCapacity? GetCapacity(this ExoState state, string nodeId)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.NodeMemory.TryGetValue(nodeId, out var memory))
        {
            return null;
        }
        var disk = state.NodeDisk.GetValueOrDefault(nodeId);
        return new NodeCapacity(
            nodeId,
            memory.RamTotal,
            memory.RamAvailable,
            disk?.Total,
            disk?.Available,
            state.NodeBackends.GetValueOrDefault(nodeId) ?? []);
    }

    /// <summary>The models with at least one ready instance.</summary>
    public static IReadOnlySet<string> ModelsServed(this ExoState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Instances.Keys
            .Select(state.GetInstanceHealth)
            .Where(h => h.Status == InstanceServingStatus.Ready)
            .Select(h => h.ModelId!)
            .ToHashSet(StringComparer.Ordinal);
    }
}
