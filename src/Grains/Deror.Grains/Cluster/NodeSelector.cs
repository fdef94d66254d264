namespace Deror.Grains;

/// <summary>
/// Resource-aware choice of a node for a task: only Healthy nodes (not draining) with the backend the task needs and
/// room for its CPU and memory, ordered by the scheduling policy (spread: most room first; bin-pack: least room that fits).
/// </summary>
public static class NodeSelector
{
    public static IReadOnlyList<string> Candidates(IEnumerable<NodeInfo> nodes, TaskSpec spec, SchedulingPolicy policy)
    {
        var request = spec.Resources;
        var fitting = nodes
            .Where(n => NodeLifecycle.TakesTasks(n.Status))
            .Where(n => spec.Node is null || n.Name == spec.Node)
            .Where(n => request.Backend is null || n.Capacity.Backends.Contains(request.Backend, StringComparer.OrdinalIgnoreCase))
            .Select(n => (n.Name, Room: Room(n), Tasks: n.Tasks.Count, FreeCpu: n.Capacity.CpuCores - n.ReservedCpuCores, FreeMemory: n.Capacity.MemoryTotalBytes - n.ReservedMemoryBytes))
            .Where(n => n.FreeCpu >= request.CpuCores && n.FreeMemory >= request.MemoryBytes)
            .ToList();
        var ordered = policy == SchedulingPolicy.BinPack
            ? fitting.OrderBy(n => n.Room).ThenByDescending(n => n.Tasks)
            : fitting.OrderByDescending(n => n.Room).ThenBy(n => n.Tasks);
        return [.. ordered.ThenBy(n => n.Name, StringComparer.Ordinal).Select(n => n.Name)];
    }

    /// <summary>The free share of the scarcer resource (0..1): what spread maximises and bin-pack minimises.</summary>
    private static double Room(NodeInfo node)
    {
        var cpu = node.Capacity.CpuCores > 0 ? (node.Capacity.CpuCores - node.ReservedCpuCores) / node.Capacity.CpuCores : 0;
        var memory = node.Capacity.MemoryTotalBytes > 0 ? (double)(node.Capacity.MemoryTotalBytes - node.ReservedMemoryBytes) / node.Capacity.MemoryTotalBytes : 0;
        return Math.Min(cpu, memory);
    }

    /// <summary>The node as it will look once <paramref name="assignment"/> is on it (before its own report says so).</summary>
    public static NodeInfo WithReservation(NodeInfo node, TaskAssignment assignment) => node with
    {
        Tasks = [.. node.Tasks, assignment.TaskId],
        ReservedCpuCores = node.ReservedCpuCores + assignment.Spec.Resources.CpuCores,
        ReservedMemoryBytes = node.ReservedMemoryBytes + assignment.Spec.Resources.MemoryBytes,
    };
}
