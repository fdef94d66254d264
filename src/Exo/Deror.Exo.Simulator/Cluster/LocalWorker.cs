using Deror.Exo.Models;

namespace Deror.Exo.Simulator.Cluster;

/// <summary>
/// This node's model runners. A runner starts when the state assigns this node a shard and walks
/// Idle → Loading{layers} → Loaded → WarmingUp → Ready, one <see cref="ExoSimOptions.RunnerStepDelay"/> per phase
/// (Loading two). Unlike exo, which restarts a crashed runner with backoff, an injected failure stays until the
/// instance is deleted. Not thread-safe: <see cref="ClusterNode"/> calls it under its lock.
/// </summary>
internal sealed class LocalWorker(string nodeId, ExoSimOptions options)
{
    private readonly Dictionary<string, LocalRunner> _runners = new(StringComparer.Ordinal);

    /// <summary>Starts the runners the state assigns to this node and drops those whose instance is gone.</summary>
    public void Reconcile(ExoState state, DateTimeOffset now)
    {
        if (options.NoWorker)
        {
            return;
        }
        var assigned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var instance in state.Instances.Values)
        {
            if (instance.ShardAssignments.NodeToRunner.TryGetValue(nodeId, out var runnerId)
                && instance.ShardAssignments.RunnerToShard.TryGetValue(runnerId, out var shard))
            {
                assigned.Add(runnerId);
                _runners.TryAdd(runnerId, new LocalRunner(instance.InstanceId, shard, now));
            }
        }
        foreach (var runnerId in _runners.Keys.Where(id => !assigned.Contains(id)).ToList())
        {
            _runners.Remove(runnerId);
        }
    }

    /// <summary>Every node rebuilds its worker when the master changes.</summary>
    public void Clear() => _runners.Clear();

    public IReadOnlyDictionary<string, RunnerStatus> Statuses(DateTimeOffset now) =>
        _runners.ToDictionary(r => r.Key, r => r.Value.Status(now, options.RunnerStepDelay), StringComparer.Ordinal);

    /// <summary>Memory held by loaded (or loading) runners.</summary>
    public long AllocatedBytes(DateTimeOffset now) =>
        _runners.Values.Where(r => r.Status(now, options.RunnerStepDelay) is not (RunnerIdle or RunnerFailed)).Sum(r => Placement.ShardBytes(r.Shard));

    /// <summary>A runner's model counts as downloaded on this node once the runner exists.</summary>
    public IReadOnlyList<DownloadProgress> Downloads() =>
        _runners.Values.Select(r => (DownloadProgress)new DownloadCompleted { NodeId = nodeId, ShardMetadata = r.Shard, TotalBytes = new MemorySize(Placement.ShardBytes(r.Shard)) }).ToList();

    /// <summary>Fails the matching runners (all of this node's when both filters are null); returns their ids.</summary>
    public IReadOnlyList<string> Fail(string? runnerId, string? instanceId, string message)
    {
        var matched = _runners
            .Where(r => (runnerId is null || r.Key == runnerId) && (instanceId is null || r.Value.InstanceId == instanceId))
            .Select(r => r.Key)
            .ToList();
        foreach (var id in matched)
        {
            _runners[id] = _runners[id] with { FailureMessage = message };
        }
        return matched;
    }

    private sealed record LocalRunner(string InstanceId, ShardMetadata Shard, DateTimeOffset StartedAt, string? FailureMessage = null)
    {
        public RunnerStatus Status(DateTimeOffset now, TimeSpan step)
        {
            if (FailureMessage is not null)
            {
                return new RunnerFailed(FailureMessage);
            }
            var steps = (now - StartedAt) / step;
            var layers = Shard.EndLayer - Shard.StartLayer;
            return steps switch
            {
                < 1 => new RunnerIdle(),
                < 3 => new RunnerLoading((int)Math.Min(layers, layers * (steps - 1) / 2), layers),
                < 4 => new RunnerLoaded(),
                < 5 => new RunnerWarmingUp(),
                _ => new RunnerReady(),
            };
        }
    }
}
