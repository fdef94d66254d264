using Microsoft.Extensions.Logging;

namespace Deror.Grains;

/// <summary>
/// One Exo cluster. Keeps the latest report of every node (node grains push them), and from them: health, task
/// placement, silence detection (a node whose sidecar stops reporting becomes Unreachable, later Dead, and its tasks
/// are rescheduled), re-placement of desired models that Exo stopped serving, and rolling maintenance. A one-second
/// timer drives the periodic work while active; a reminder reactivates the grain after its silo dies.
/// </summary>
public sealed partial class ClusterGrain(
    [PersistentState("cluster")] IPersistentState<ClusterGrainState> state,
    LifecycleLog log,
    TimeProvider clock,
    ILogger<ClusterGrain> logger) : Grain, IClusterGrain, IRemindable
{
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan KeepAlivePeriod = TimeSpan.FromMinutes(1);
    private const int MaxWakeups = 256;

    private readonly Dictionary<string, NodeInfo> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset? Heartbeat, DateTimeOffset SeenAt)> _seen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _waiting = new(StringComparer.Ordinal);
    private DateTimeOffset _lastPlacementRequest = DateTimeOffset.MinValue;
    private ClusterStatus? _lastStatus;

    private ClusterGrainState S => state.State;

    private string ClusterId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var name in S.KnownNodes)
        {
            _nodes[name] = await GrainFactory.GetGrain<INodeGrain>(name).GetInfo();
            _seen[name] = (_nodes[name].LastHeartbeat, now); // Silence is counted from now: this activation has heard nothing yet.
        }
        RegisterGrainTimer(SweepAsync, SweepPeriod, SweepPeriod);
        await this.RegisterOrUpdateReminder("keep-alive", KeepAlivePeriod, KeepAlivePeriod);
        await base.OnActivateAsync(cancellationToken);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    public Task<ClusterHealth> GetHealth() => Task.FromResult(Health());

    public Task<IReadOnlyList<NodeInfo>> GetNodes()
        => Task.FromResult<IReadOnlyList<NodeInfo>>([.. _nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal)]);

    public async Task NodeUpdated(NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var now = clock.GetUtcNow();
        _nodes.TryGetValue(node.Name, out var previous);
        _nodes[node.Name] = node;
        if (!_seen.TryGetValue(node.Name, out var seen) || seen.Heartbeat != node.LastHeartbeat)
        {
            _seen[node.Name] = (node.LastHeartbeat, node.LastHeartbeat is null ? seen.SeenAt : now);
        }
        if (!S.KnownNodes.Contains(node.Name))
        {
            S.KnownNodes.Add(node.Name);
            await state.WriteStateAsync();
        }
        if (node.Status is NodeStatus.Maintenance or NodeStatus.Recovering
            && S.Maintenance is { Phase: MaintenancePhase.Running } m
            && m.Steps.Any(step => step.Node == node.Name && step.StartedAt is not null && !step.Done)
            && !S.MaintenanceWentDown.Contains(node.Name))
        {
            // Remembered here, not in the sweep: a fast node can pass through Maintenance between two sweeps.
            S.MaintenanceWentDown.Add(node.Name);
            await state.WriteStateAsync();
        }
        var roomFreed = previous is null || previous.Status != node.Status || node.Tasks.Count < previous.Tasks.Count;
        // A silo restarted with more handlers may stay Healthy throughout: the tasks waiting for them must hear of it.
        var handlersAdded = previous is not null && node.Handlers.Except(previous.Handlers, StringComparer.Ordinal).Any();
        if ((roomFreed || handlersAdded) && NodeLifecycle.TakesTasks(node.Status))
        {
            WakeWaitingTasks(roomFreed ? $"room on {node.Name}" : $"new handlers on {node.Name}");
        }
        await ReportHealthChangeAsync();
    }

    // Interleaves with everything: the reservation below happens before the first await, so concurrent calls see it.
    public async Task<TaskPlacement> Schedule(string taskId, TaskAssignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        foreach (var name in NodeSelector.Candidates(_nodes.Values, assignment.Spec, S.Policy.Scheduling))
        {
            var before = _nodes[name];
            _nodes[name] = NodeSelector.WithReservation(before, assignment);
            try
            {
                await GrainFactory.GetGrain<INodeGrain>(name).Assign(assignment);
                _waiting.Remove(taskId);
                return new TaskPlacement(name, null);
            }
            catch (InvalidStateException e)
            {
                LogAssignRejected(logger, taskId, name, e.Message);
                if (_nodes.TryGetValue(name, out var current) && current.Tasks.Contains(taskId))
                {
                    _nodes[name] = current with
                    {
                        Tasks = [.. current.Tasks.Where(t => t != taskId)],
                        ReservedCpuCores = current.ReservedCpuCores - assignment.Spec.Resources.CpuCores,
                        ReservedMemoryBytes = current.ReservedMemoryBytes - assignment.Spec.Resources.MemoryBytes,
                    };
                }
            }
        }
        _waiting.Add(taskId);
        return new TaskPlacement(null, NodeSelector.WaitingFor(_nodes.Values, assignment.Spec));
    }

    public Task<ClusterPolicy> GetPolicy() => Task.FromResult(S.Policy);

    public async Task SetPolicy(ClusterPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        try
        {
            policy.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidSpecException(e.Message);
        }
        S.Policy = policy;
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<ModelPlacement>> GetModelPlacements() => Task.FromResult<IReadOnlyList<ModelPlacement>>([.. S.Placements]);

    public async Task SetModelPlacement(ModelPlacement placement)
    {
        ArgumentNullException.ThrowIfNull(placement);
        if (string.IsNullOrWhiteSpace(placement.ModelId))
        {
            throw new InvalidSpecException("modelId is required.");
        }
        if (placement.MinNodes < 1)
        {
            throw new InvalidSpecException("minNodes must be at least 1.");
        }
        S.Placements.RemoveAll(p => p.ModelId == placement.ModelId);
        S.Placements.Add(placement);
        await state.WriteStateAsync();
        _lastPlacementRequest = DateTimeOffset.MinValue;
    }

    public async Task RemoveModelPlacement(string modelId)
    {
        if (S.Placements.RemoveAll(p => p.ModelId == modelId) > 0)
        {
            await state.WriteStateAsync();
        }
    }

    public async Task<MaintenanceStatus> StartMaintenance(MaintenanceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (S.Maintenance is { Phase: MaintenancePhase.Running or MaintenancePhase.Waiting } running)
        {
            throw new InvalidStateException($"Maintenance {running.Id} is in progress ({running.Detail}); cancel it or wait for it to finish.");
        }
        if (request.Node is not null && !_nodes.ContainsKey(request.Node))
        {
            throw new NodeNotFoundException($"Node '{request.Node}' is not known to cluster '{ClusterId}'.");
        }
        if (request.MaxParallel is < 1 || request.MinHealthy is < 0)
        {
            throw new InvalidSpecException("maxParallel must be at least 1 and minHealthy 0 or more.");
        }
        var nodes = request.Node is { } one ? [one] : _nodes.Keys.Order(StringComparer.Ordinal).ToList();
        if (nodes.Count == 0)
        {
            throw new InvalidStateException($"Cluster '{ClusterId}' has no nodes to maintain.");
        }
        var now = clock.GetUtcNow();
        S.Maintenance = new MaintenanceStatus
        {
            Id = "m-" + now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            Phase = MaintenancePhase.Waiting,
            Detail = "starting",
            MaxParallel = request.MaxParallel ?? S.Policy.MaxParallelMaintenance,
            MinHealthy = request.MinHealthy ?? S.Policy.MinHealthyNodes,
            Steps = [.. nodes.Select(n => new MaintenanceStep(n, _nodes[n].Status, false, null, null))],
            StartedAt = now,
        };
        S.MaintenanceWentDown = [];
        await state.WriteStateAsync();
        await AdvanceMaintenanceAsync(force: true);
        return S.Maintenance;
    }

    public Task<MaintenanceStatus?> GetMaintenance() => Task.FromResult(S.Maintenance);

    public async Task<MaintenanceStatus?> CancelMaintenance()
    {
        if (S.Maintenance is { Phase: MaintenancePhase.Running or MaintenancePhase.Waiting } running)
        {
            // Nodes already draining or in maintenance finish their round; no further node is taken down.
            S.Maintenance = running with { Phase = MaintenancePhase.Cancelled, Detail = "cancelled", FinishedAt = clock.GetUtcNow() };
            await SaveMaintenanceAsync();
        }
        return S.Maintenance;
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        await DetectSilentNodesAsync();
        await ReconcilePlacementsAsync();
        await AdvanceMaintenanceAsync(force: false);
        await ReportHealthChangeAsync();
    }

    private async Task DetectSilentNodesAsync()
    {
        var now = clock.GetUtcNow();
        foreach (var (name, node) in _nodes.ToList())
        {
            var silentFor = now - _seen.GetValueOrDefault(name, (null, now)).SeenAt;
            var dead = silentFor >= S.Policy.DeadAfter;
            if (node.Status == NodeStatus.Dead || !dead && (node.Status == NodeStatus.Unreachable || silentFor < S.Policy.HeartbeatTimeout))
            {
                continue;
            }
            var reason = $"sidecar silent for {silentFor.TotalSeconds:0} s";
            try
            {
                await GrainFactory.GetGrain<INodeGrain>(name).MarkSilent(reason, dead);
                _nodes[name] = await GrainFactory.GetGrain<INodeGrain>(name).GetInfo();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogSweepFailed(logger, name, e);
            }
        }
    }

    private async Task ReconcilePlacementsAsync()
    {
        var now = clock.GetUtcNow();
        if (S.Placements.Count == 0 || now - _lastPlacementRequest < S.Policy.PlacementRetryInterval)
        {
            return;
        }
        var served = Served();
        var missing = S.Placements.Where(p => !served.Contains(p.ModelId)).ToList();
        var placer = _nodes.Values.Where(n => n.Status == NodeStatus.Healthy).OrderBy(n => n.Name, StringComparer.Ordinal).FirstOrDefault();
        if (missing.Count == 0 || placer is null)
        {
            return;
        }
        _lastPlacementRequest = now;
        LogPlacing(logger, string.Join(", ", missing.Select(p => p.ModelId)), placer.Name);
        await GrainFactory.GetGrain<INodeGrain>(placer.Name).RequestPlacements(missing);
    }

    private async Task AdvanceMaintenanceAsync(bool force)
    {
        if (S.Maintenance is not { Phase: MaintenancePhase.Running or MaintenancePhase.Waiting } m)
        {
            return;
        }
        var now = clock.GetUtcNow();
        var steps = m.Steps.ToList();
        var changed = force;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var status = _nodes.TryGetValue(step.Node, out var node) ? node.Status : (NodeStatus?)null;
            if (step.Done || step.StartedAt is null)
            {
                if (!step.Done && status != step.Status)
                {
                    steps[i] = step with { Status = status };
                    changed = true;
                }
                continue;
            }
            if (status is NodeStatus.Maintenance or NodeStatus.Recovering && !S.MaintenanceWentDown.Contains(step.Node))
            {
                S.MaintenanceWentDown.Add(step.Node);
            }
            var wentDown = S.MaintenanceWentDown.Contains(step.Node);
            // A failure counts only once this round took the node down: the drain cleared the previous round's.
            var error = step.Error ?? (wentDown ? node?.MaintenanceFailure : null);
            var done = status == NodeStatus.Healthy && wentDown;
            if (done || status != step.Status || error != step.Error)
            {
                steps[i] = step with { Status = status, Done = done, FinishedAt = done ? now : null, Error = error };
                changed = true;
                if (error is not null && step.Error is null)
                {
                    LogMaintenanceFailed(logger, m.Id, step.Node, error, S.Policy.OnMaintenanceFailure);
                }
            }
        }
        if (S.Policy.OnMaintenanceFailure == MaintenanceFailureAction.Stop && steps.FindIndex(s => s.Error is not null) is var failed and >= 0)
        {
            await StopMaintenanceAsync(m, steps, failed, now);
            return;
        }
        var phase = MaintenancePhase.Running;
        string? detail = null;
        while (steps.Count(s => s.StartedAt is not null && !s.Done) < m.MaxParallel && steps.FindIndex(s => s.StartedAt is null && !s.Done) is var next and >= 0)
        {
            var step = steps[next];
            var status = _nodes.TryGetValue(step.Node, out var node) ? node.Status : (NodeStatus?)null;
            if (status is null or NodeStatus.Unreachable or NodeStatus.Dead)
            {
                steps[next] = step with { Status = status, Done = true, FinishedAt = now };
                changed = true;
                LogMaintenanceSkipped(logger, m.Id, step.Node, status?.ToString() ?? "unknown");
                continue;
            }
            var inProgress = steps.Where(s => s.StartedAt is not null && !s.Done).Select(s => s.Node).ToHashSet();
            var healthyAfter = _nodes.Values.Count(n => n.Status == NodeStatus.Healthy && !inProgress.Contains(n.Name) && n.Name != step.Node);
            if (healthyAfter < m.MinHealthy)
            {
                phase = inProgress.Count == 0 ? MaintenancePhase.Waiting : MaintenancePhase.Running;
                detail = $"waiting to take {step.Node} down: {healthyAfter} Healthy nodes would remain (minimum {m.MinHealthy})";
                break;
            }
            try
            {
                await GrainFactory.GetGrain<INodeGrain>(step.Node).BeginDrain($"maintenance {m.Id}");
                steps[next] = step with { Status = NodeStatus.Draining, StartedAt = now };
                _nodes[step.Node] = _nodes[step.Node] with { Status = NodeStatus.Draining, MaintenanceFailure = null };
            }
            catch (InvalidStateException e)
            {
                steps[next] = step with { Done = true, FinishedAt = now };
                LogMaintenanceSkipped(logger, m.Id, step.Node, e.Message);
            }
            changed = true;
        }
        if (steps.All(s => s.Done))
        {
            phase = MaintenancePhase.Completed;
            var failures = steps.Where(s => s.Error is not null).ToList();
            detail = failures.Count == 0
                ? $"{steps.Count} node(s) maintained"
                : $"{steps.Count - failures.Count} node(s) maintained, {failures.Count} failed: {string.Join("; ", failures.Select(s => $"{s.Node}: {s.Error}"))}";
        }
        detail ??= string.Join("; ", steps.Where(s => s.StartedAt is not null && !s.Done).Select(s => $"{s.Node} is {s.Status}"));
        if (!changed && phase == m.Phase && detail == m.Detail)
        {
            return;
        }
        S.Maintenance = m with
        {
            Phase = phase,
            Detail = detail,
            Steps = steps,
            FinishedAt = phase == MaintenancePhase.Completed ? now : null,
        };
        await SaveMaintenanceAsync();
    }

    /// <summary>
    /// Ends the run after a node's maintenance failed (policy Stop): no further node goes down, and the failed node,
    /// whose sidecar is bringing Exo back, counts as done. Nodes still in their round finish it, as after a cancel.
    /// </summary>
    private async Task StopMaintenanceAsync(MaintenanceStatus m, List<MaintenanceStep> steps, int failed, DateTimeOffset now)
    {
        var step = steps[failed];
        steps[failed] = step with { Done = true, FinishedAt = step.FinishedAt ?? now };
        S.Maintenance = m with
        {
            Phase = MaintenancePhase.Cancelled,
            Detail = $"stopped: maintenance of {step.Node} failed: {step.Error}",
            Steps = steps,
            FinishedAt = now,
        };
        await SaveMaintenanceAsync();
    }

    private async Task SaveMaintenanceAsync()
    {
        await state.WriteStateAsync();
        await log.AppendAsync(LifecycleEvents.Maintenance, S.Maintenance!.Id, S.Maintenance);
    }

    private void WakeWaitingTasks(string reason)
    {
        foreach (var taskId in _waiting.Take(MaxWakeups).ToList())
        {
            _waiting.Remove(taskId);
            _ = GrainFactory.GetGrain<ITaskGrain>(taskId).Reschedule(reason);
        }
    }

    private async Task ReportHealthChangeAsync()
    {
        var health = Health();
        if (health.Status == _lastStatus)
        {
            return;
        }
        _lastStatus = health.Status;
        LogHealthChanged(logger, ClusterId, health.Status, string.Join("; ", health.Reasons));
        await log.AppendAsync(LifecycleEvents.ClusterHealth, ClusterId, health);
    }

    /// <summary>Models with a ready instance, as the freshest report of a healthy node shows them (every Exo node sees the whole cluster).</summary>
    private HashSet<string> Served()
        => _nodes.Values
            .Where(n => n.Status == NodeStatus.Healthy)
            .Select(n => n.LastObservation)
            .OfType<NodeObservation>()
            .OrderByDescending(o => o.ObservedAt)
            .FirstOrDefault()?.ServedModels.ToHashSet(StringComparer.Ordinal) ?? [];

    private ClusterHealth Health()
        => ClusterHealthEvaluator.Evaluate(ClusterId, _nodes.Values, S.Policy, S.Placements, Served(), S.Maintenance, clock.GetUtcNow());

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster {ClusterId} is {Status}: {Reasons}")]
    private static partial void LogHealthChanged(ILogger logger, string clusterId, ClusterStatus status, string reasons);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Task {TaskId}: node {Node} did not take it: {Reason}")]
    private static partial void LogAssignRejected(ILogger logger, string taskId, string node, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Placing models {Models} through node {Node}")]
    private static partial void LogPlacing(ILogger logger, string models, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Maintenance {MaintenanceId}: skipped node {Node} ({Reason})")]
    private static partial void LogMaintenanceSkipped(ILogger logger, string maintenanceId, string node, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Maintenance {MaintenanceId}: node {Node} failed its maintenance ({Reason}); policy {Action}")]
    private static partial void LogMaintenanceFailed(ILogger logger, string maintenanceId, string node, string reason, MaintenanceFailureAction action);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not mark silent node {Node}")]
    private static partial void LogSweepFailed(ILogger logger, string node, Exception exception);
}
