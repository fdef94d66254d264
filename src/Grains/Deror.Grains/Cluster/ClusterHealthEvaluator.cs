namespace Deror.Grains;

/// <summary>
/// Aggregates node states into the cluster's health: Unhealthy below the minimum of healthy nodes (or with none),
/// Degraded when any node is not Healthy, ghost identities linger, desired models are not served or maintenance runs.
/// </summary>
public static class ClusterHealthEvaluator
{
    public static ClusterHealth Evaluate(
        string clusterId,
        IReadOnlyCollection<NodeInfo> nodes,
        ClusterPolicy policy,
        IReadOnlyList<ModelPlacement> desired,
        IReadOnlyCollection<string> served,
        MaintenanceStatus? maintenance,
        DateTimeOffset now)
    {
        var reasons = new List<string>();
        var healthy = nodes.Count(n => n.Status == NodeStatus.Healthy);
        var status = ClusterStatus.Healthy;
        if (nodes.Count == 0)
        {
            status = ClusterStatus.Unhealthy;
            reasons.Add("no node has reported yet");
        }
        else if (healthy == 0 || healthy < policy.MinHealthyNodes)
        {
            status = ClusterStatus.Unhealthy;
            reasons.Add($"{healthy} of {nodes.Count} nodes are Healthy (minimum {policy.MinHealthyNodes})");
        }
        foreach (var node in nodes.Where(n => n.Status != NodeStatus.Healthy).OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            reasons.Add($"node {node.Name} is {node.Status}: {node.Reason}");
        }
        var ghosts = nodes
            .Where(n => n.Status == NodeStatus.Healthy)
            .Select(n => n.LastObservation)
            .OfType<NodeObservation>()
            .OrderByDescending(o => o.ObservedAt)
            .FirstOrDefault()?.GhostNodeIds ?? [];
        if (ghosts.Count > 0)
        {
            reasons.Add($"ghost identities linger in Exo's state: {string.Join(", ", ghosts)}");
        }
        var missing = desired.Select(p => p.ModelId).Where(m => !served.Contains(m)).ToList();
        if (missing.Count > 0)
        {
            reasons.Add($"models not served: {string.Join(", ", missing)} (being placed)");
        }
        if (maintenance is { Phase: MaintenancePhase.Running or MaintenancePhase.Waiting })
        {
            reasons.Add($"maintenance {maintenance.Id}: {maintenance.Detail}");
        }
        if (status == ClusterStatus.Healthy && reasons.Count > 0)
        {
            status = ClusterStatus.Degraded;
        }
        return new ClusterHealth
        {
            ClusterId = clusterId,
            Status = status,
            Reasons = reasons,
            Nodes = [.. nodes.OrderBy(n => n.Name, StringComparer.Ordinal).Select(n => new NodeSummary(n.Name, n.Status, n.Reason, n.ExoNodeId, n.Tasks.Count, n.LastHeartbeat))],
            DesiredModels = [.. desired.Select(p => p.ModelId)],
            ServedModels = [.. served.Order(StringComparer.Ordinal)],
            Maintenance = maintenance,
            At = now,
        };
    }
}
