using Deror.Grains;

namespace Deror.Grains.Tests;

/// <summary>The scheduler's choice of nodes, on node records as the cluster grain holds them.</summary>
public sealed class NodeSelectorTests
{
    private static readonly TaskSpec Resize = TaskSpecs.Handler("r", "resize");

    private static NodeInfo Node(string name, NodeStatus status = NodeStatus.Healthy, string[]? handlers = null, double reservedCpu = 0) => new()
    {
        Name = name,
        Status = status,
        Capacity = new NodeCapacity { CpuCores = 4, MemoryTotalBytes = 8L << 30, MemoryAvailableBytes = 8L << 30 },
        Handlers = handlers ?? [],
        ReservedCpuCores = reservedCpu,
    };

    [Fact]
    public void A_handler_task_goes_only_to_Healthy_nodes_that_serve_its_handler()
    {
        NodeInfo[] nodes =
        [
            Node("plain", handlers: ["noop"]),
            Node("resizer", handlers: ["noop", "resize"]),
            Node("busy-resizer", handlers: ["resize"], reservedCpu: 3),
            Node("down-resizer", NodeStatus.Unreachable, handlers: ["resize"]),
            Node("other-case", handlers: ["Resize"]),
        ];

        Assert.Equal(["resizer", "busy-resizer"], NodeSelector.Candidates(nodes, Resize, SchedulingPolicy.Spread));
        // Handler names match exactly, as the executor looks them up; other kinds do not look at handlers at all.
        Assert.Equal(["other-case", "plain", "resizer", "busy-resizer"], NodeSelector.Candidates(nodes, TaskSpecs.Process("p", "true"), SchedulingPolicy.Spread));
    }

    [Fact]
    public void A_task_without_a_candidate_waits_for_a_node_with_its_handler_before_room()
    {
        Assert.Equal("a Healthy node that serves handler 'resize'", NodeSelector.WaitingFor([Node("plain", handlers: ["noop"])], Resize));
        Assert.Equal("a Healthy node that serves handler 'resize'", NodeSelector.WaitingFor([Node("down", NodeStatus.Degraded, handlers: ["resize"])], Resize));
        Assert.Equal("a Healthy node that serves handler 'resize'", NodeSelector.WaitingFor([], Resize));

        var big = Resize with { Resources = new ResourceRequest { CpuCores = 8 } };
        NodeInfo[] serving = [Node("resizer", handlers: ["resize"])];
        Assert.Empty(NodeSelector.Candidates(serving, big, SchedulingPolicy.Spread));
        Assert.Equal("a Healthy node with room", NodeSelector.WaitingFor(serving, big));
        Assert.Equal("a Healthy node with room", NodeSelector.WaitingFor([], TaskSpecs.Process("p", "true")));
    }
}
