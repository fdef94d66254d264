using Microsoft.Extensions.Logging;

namespace Deror.Grains;

/// <summary>
/// One Exo node. Turns its sidecar's heartbeats into a validated lifecycle, holds the tasks assigned to it and the
/// directive its sidecar follows (long-polled through <see cref="WaitForDirective"/>). Placed beside the sidecar that
/// calls it; after that silo dies it reactivates elsewhere from its persisted state.
/// </summary>
/// <remarks>
/// <see cref="Assign"/> and <see cref="Release"/> interleave with everything and share state writes
/// (<see cref="GroupCommit"/>): a busy node persists a burst of assignments in one write instead of queueing one write
/// per task. Every state change that must stop them (a drain, a node lost) is made before the first await.
/// </remarks>
[PreferLocalPlacement]
public sealed partial class NodeGrain(
    [PersistentState("node")] IPersistentState<NodeGrainState> state,
    LifecycleLog log,
    TimeProvider clock,
    ILogger<NodeGrain> logger) : Grain, INodeGrain
{
    private const int MaxHistory = 30;

    private static readonly TimeSpan PolicyRefresh = TimeSpan.FromSeconds(30);

    private long _version = 1;
    private TaskCompletionSource _changed = NewSignal();
    private NodeObservation? _lastObservation;
    private DateTimeOffset? _lastHeartbeat;
    private DateTimeOffset? _unreachableSince;
    private List<ModelPlacement> _placements = [];
    private bool _restartExo;
    private ClusterPolicy? _policy;
    private DateTimeOffset _policyReadAt;
    private GroupCommit? _commit;

    private string Name => this.GetPrimaryKeyString();

    private NodeGrainState S => state.State;

    private IClusterGrain Cluster => GrainFactory.GetGrain<IClusterGrain>(log.ClusterId);

    // Every write goes through here: two writes of one state must never be in flight at once (each is
    // compare-and-set on the etag the other is about to change). A durable write also publishes the change to the
    // sidecar (directive) and the cluster (one report per write, not per task).
    private GroupCommit Commit => _commit ??= new GroupCommit(async () =>
    {
        await state.WriteStateAsync();
        Changed();
        ReportToCluster();
    });

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.RecordExists)
        {
            S.StatusSince = clock.GetUtcNow();
        }
        // The directive version restarts with the activation; a sidecar that knew an older one simply gets the new.
        _version = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task<NodeDirective> Heartbeat(NodeObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var now = clock.GetUtcNow();
        var wasSilent = S.Status is NodeStatus.Unreachable or NodeStatus.Dead && _lastObservation is null;
        _lastObservation = observation;
        _lastHeartbeat = now;
        var (health, reason) = NodeLifecycle.Evaluate(observation);
        if (observation.ExoNodeId is not null && S.ExoNodeId != observation.ExoNodeId)
        {
            if (S.ExoNodeId is not null)
            {
                reason += $" (Exo restarted: node id {S.ExoNodeId} → {observation.ExoNodeId})";
            }
            S.ExoNodeId = observation.ExoNodeId;
        }
        _unreachableSince = health == NodeStatus.Unreachable ? _unreachableSince ?? now : null;
        if (health == NodeStatus.Unreachable && _restartExo is false && observation.Process != ExoProcessStatus.Restarting
            && now - _unreachableSince >= (await PolicyAsync()).RestartExoAfter)
        {
            _restartExo = true;
            _unreachableSince = now;
            Changed();
        }
        if (S.Status == NodeStatus.Recovering && health is NodeStatus.Unreachable or NodeStatus.Degraded
            && now - S.StatusSince < (await PolicyAsync()).RestartExoAfter)
        {
            // A restarted Exo takes a moment to answer and to rejoin the topology; it stays Recovering until it is
            // Healthy or has had its chance.
            health = NodeStatus.Recovering;
        }
        if (S.Mode == NodeMode.Serve && S.Status != health && NodeLifecycle.IsAllowed(S.Status, health))
        {
            await TransitionAsync(health, wasSilent ? $"sidecar is back: {reason}" : reason);
        }
        ReportToCluster();
        return TakeDirective();
    }

    public async Task<NodeDirective> WaitForDirective(long knownVersion, TimeSpan maxWait)
    {
        if (knownVersion == _version)
        {
            var changed = _changed.Task;
            await Task.WhenAny(changed, Task.Delay(maxWait < TimeSpan.Zero ? TimeSpan.Zero : maxWait, clock));
        }
        return TakeDirective();
    }

    public Task<NodeInfo> GetInfo() => Task.FromResult(Info());

    public async Task Assign(TaskAssignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        if (!NodeLifecycle.TakesTasks(S.Status) || S.Mode != NodeMode.Serve)
        {
            throw new InvalidStateException($"Node '{Name}' is {S.Status}; it takes no tasks.");
        }
        S.Tasks[assignment.TaskId] = assignment;
        try
        {
            await Commit.WriteAsync();
        }
        catch
        {
            // Not stored, so not assigned: the cluster tries another node; the sidecar must not run it here.
            if (S.Tasks.TryGetValue(assignment.TaskId, out var current) && current == assignment)
            {
                S.Tasks.Remove(assignment.TaskId);
                Changed();
            }
            throw;
        }
    }

    public async Task Release(string taskId)
    {
        if (S.Tasks.Remove(taskId))
        {
            await Commit.WriteAsync();
        }
    }

    public async Task BeginDrain(string reason)
    {
        NodeLifecycle.EnsureAllowed(Name, S.Status, NodeStatus.Draining);
        S.Mode = NodeMode.Drain;
        S.MaintenanceFailure = null;
        await TransitionAsync(NodeStatus.Draining, reason);
    }

    public async Task ReportDrained()
    {
        NodeLifecycle.EnsureAllowed(Name, S.Status, NodeStatus.Maintenance);
        S.Mode = NodeMode.Maintain;
        var tasks = TakeTasks();
        await TransitionAsync(NodeStatus.Maintenance, "drained; Exo stopped for maintenance");
        await HandBackAsync(tasks, "node drained for maintenance");
    }

    public async Task ReportMaintained()
    {
        NodeLifecycle.EnsureAllowed(Name, S.Status, NodeStatus.Recovering);
        S.Mode = NodeMode.Serve;
        await TransitionAsync(NodeStatus.Recovering, "maintenance done; Exo starting");
    }

    public async Task ReportMaintenanceFailed(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        NodeLifecycle.EnsureAllowed(Name, S.Status, NodeStatus.Recovering);
        S.Mode = NodeMode.Serve;
        S.MaintenanceFailure = reason;
        await TransitionAsync(NodeStatus.Recovering, $"maintenance failed: {reason}; Exo starting");
        Changed();
        ReportToCluster();
    }

    public Task RequestPlacements(IReadOnlyList<ModelPlacement> placements)
    {
        _placements = [.. placements];
        Changed();
        return Task.CompletedTask;
    }

    public async Task MarkSilent(string reason, bool dead)
    {
        var to = dead ? NodeStatus.Dead : NodeStatus.Unreachable;
        if (S.Status == to || !NodeLifecycle.IsAllowed(S.Status, to))
        {
            return;
        }
        _lastObservation = null;
        if (S.Mode == NodeMode.Drain)
        {
            S.Mode = NodeMode.Serve; // A silent node cannot finish a drain; maintenance skips or retries it.
        }
        var tasks = TakeTasks();
        await TransitionAsync(to, reason);
        await HandBackAsync(tasks, reason);
    }

    /// <summary>Empties the node's task set (persisted with the transition that goes with it).</summary>
    private List<string> TakeTasks()
    {
        var tasks = S.Tasks.Keys.ToList();
        S.Tasks.Clear();
        return tasks;
    }

    /// <summary>Every task taken off the node goes back to its task grain to be scheduled elsewhere (at-least-once).</summary>
    private async Task HandBackAsync(List<string> tasks, string reason)
    {
        foreach (var taskId in tasks)
        {
            await GrainFactory.GetGrain<ITaskGrain>(taskId).NodeLost(Name, reason);
        }
    }

    private async Task TransitionAsync(NodeStatus to, string reason)
    {
        var from = S.Status;
        NodeLifecycle.EnsureAllowed(Name, from, to);
        var now = clock.GetUtcNow();
        S.Status = to;
        DomainTelemetry.NodeEntered(to);
        S.Reason = reason;
        S.StatusSince = now;
        S.History.Add(new NodeTransition(from, to, reason, now));
        if (S.History.Count > MaxHistory)
        {
            S.History.RemoveAt(0);
        }
        await Commit.WriteAsync();
        LogTransition(logger, Name, from, to, reason);
        await log.AppendAsync(LifecycleEvents.NodeTransition, Name, new NodeTransitionEvent(Name, from, to, reason));
    }

    private NodeDirective TakeDirective()
    {
        var directive = new NodeDirective
        {
            Version = _version,
            Mode = S.Mode,
            Tasks = S.Mode == NodeMode.Maintain ? [] : [.. S.Tasks.Values],
            PlaceModels = _placements,
            RestartExo = _restartExo,
        };
        // Placements and restarts are requests, delivered once; the cluster asks again if they did not take.
        _placements = [];
        _restartExo = false;
        return directive;
    }

    private void Changed()
    {
        _version++;
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    // One-way: returns at once, so a node never waits on the (possibly busy) cluster grain.
    private void ReportToCluster() => _ = Cluster.NodeUpdated(Info());

    private async Task<ClusterPolicy> PolicyAsync()
    {
        if (_policy is null || clock.GetUtcNow() - _policyReadAt > PolicyRefresh)
        {
            _policy = await Cluster.GetPolicy();
            _policyReadAt = clock.GetUtcNow();
        }
        return _policy;
    }

    private NodeInfo Info()
    {
        var tasks = S.Tasks.Values;
        return new NodeInfo
        {
            Name = Name,
            Status = S.Status,
            Reason = S.Reason,
            StatusSince = S.StatusSince,
            ExoNodeId = S.ExoNodeId,
            MaintenanceFailure = S.MaintenanceFailure,
            Silo = _lastObservation?.Silo,
            LastHeartbeat = _lastHeartbeat,
            LastObservation = _lastObservation,
            Capacity = _lastObservation?.Capacity ?? new NodeCapacity(),
            Handlers = _lastObservation?.Handlers ?? [],
            Tasks = [.. S.Tasks.Keys],
            ReservedCpuCores = tasks.Sum(t => t.Spec.Resources.CpuCores),
            ReservedMemoryBytes = tasks.Sum(t => t.Spec.Resources.MemoryBytes),
            History = [.. S.History],
        };
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node}: {From} → {To} ({Reason})")]
    private static partial void LogTransition(ILogger logger, string node, NodeStatus from, NodeStatus to, string reason);
}
