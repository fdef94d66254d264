namespace Deror.Grains;

/// <summary>
/// Resource-aware choice of a node for a task: only Healthy nodes (not draining) with the backend the task needs, the
/// handler a handler task names, and room for its CPU and memory, ordered by the scheduling policy (spread: most room
/// first; bin-pack: least room that fits).
/// </summary>
public static class NodeSelector
{
    public static IReadOnlyList<string> Candidates(IEnumerable<NodeInfo> nodes, TaskSpec spec, SchedulingPolicy policy)
    {
        var request = spec.Resources;
        var fitting = Admitting(nodes, spec)
            .Where(n => ServesHandler(n, spec))
            .Select(n => (n.Name, Room: Room(n), Tasks: n.Tasks.Count, FreeCpu: n.Capacity.CpuCores - n.ReservedCpuCores, FreeMemory: n.Capacity.MemoryTotalBytes - n.ReservedMemoryBytes))
            .Where(n => n.FreeCpu >= request.CpuCores && n.FreeMemory >= request.MemoryBytes)
            .ToList();
        var ordered = policy == SchedulingPolicy.BinPack
            ? fitting.OrderBy(n => n.Room).ThenByDescending(n => n.Tasks)
            : fitting.OrderByDescending(n => n.Room).ThenBy(n => n.Tasks);
        return [.. ordered.ThenBy(n => n.Name, StringComparer.Ordinal).Select(n => n.Name)];
    }

    /// <summary>
    /// What a task without a candidate waits for, as its reason shows it: a node that serves its handler when no
    /// Healthy node does (room would not help), otherwise room.
    /// </summary>
    public static string WaitingFor(IEnumerable<NodeInfo> nodes, TaskSpec spec)
        => spec.Handler is { } handler && spec.Kind == TaskKind.Handler && !Admitting(nodes, spec).Any(n => ServesHandler(n, spec))
            ? $"a Healthy node that serves handler '{handler.Name}'"
            : "a Healthy node with room";

    /// <summary>The nodes that take this task whatever their load: Healthy, the pinned one if any, with the backend it needs.</summary>
    private static IEnumerable<NodeInfo> Admitting(IEnumerable<NodeInfo> nodes, TaskSpec spec)
        => nodes
            .Where(n => NodeLifecycle.TakesTasks(n.Status))
            .Where(n => spec.Node is null || n.Name == spec.Node)
            .Where(n => spec.Resources.Backend is null || n.Capacity.Backends.Contains(spec.Resources.Backend, StringComparer.OrdinalIgnoreCase));

    /// <summary>A handler task runs only where its handler is registered (names match exactly, as the executor looks them up).</summary>
    private static bool ServesHandler(NodeInfo node, TaskSpec spec)
        => spec.Kind != TaskKind.Handler || spec.Handler is not { } handler || node.Handlers.Contains(handler.Name, StringComparer.Ordinal);

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
