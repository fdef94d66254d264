using Deror.Grains;

namespace Deror.EndToEnd.Tests;

/// <summary>Rolling maintenance over 3 real nodes: the minimum of Healthy nodes is what keeps it to one node at a time.</summary>
public sealed class RollingMaintenanceTests : IDisposable
{
    private readonly ScriptDirectory _scripts = new();

    public void Dispose() => _scripts.Dispose();

    [Fact]
    public async Task Rolling_maintenance_never_drops_below_the_minimum_healthy_and_every_node_returns_Healthy()
    {
        // The lock directory fails a second concurrent maintenance, so the command itself proves one node at a time.
        var script = _scripts.Script("maintain.sh", $"""
            if ! mkdir '{_scripts.PathOf("lock")}'; then echo "another node is in maintenance"; exit 9; fi
            echo "$1" >> '{_scripts.PathOf("maintained")}'
            sleep 0.3
            rmdir '{_scripts.PathOf("lock")}'
            """);
        await using var cluster = await ProcessCluster.StartAsync(new ClusterPolicy { MinHealthyNodes = 2 }, script);
        var before = (await cluster.Manager.GetNodesAsync()).ToDictionary(n => n.Name, n => n.ExoNodeId);
        var startedAfter = (await cluster.ReadEventsAsync()).Max(e => e.Sequence);

        // Up to 3 in parallel: only the minimum of 2 Healthy nodes holds it to one at a time.
        var started = await cluster.Manager.PerformMaintenanceAsync(maxParallel: 3);
        var final = await cluster.WaitForAsync("the maintenance run to end", cluster.Manager.GetMaintenanceAsync,
            m => m is { Phase: MaintenancePhase.Completed or MaintenancePhase.Cancelled } && m.Id == started.Id, TimeSpan.FromSeconds(90));

        Assert.True(final!.Phase == MaintenancePhase.Completed, $"{final.Phase}: {final.Detail}");
        Assert.Equal(["node-1", "node-2", "node-3"], final.Steps.Select(s => s.Node));
        Assert.All(final.Steps, s => Assert.True(s.Done && s.Error is null, $"{s}"));
        Assert.Equal(["node-1", "node-2", "node-3"], _scripts.Lines("maintained"));
        var nodes = await cluster.WaitForAllHealthyAsync("every node Healthy after the maintenance");
        Assert.All(nodes, n => Assert.NotEqual(before[n.Name], n.ExoNodeId)); // each Exo was stopped and started again

        var moments = NodeTimeline.Replay(await cluster.ReadEventsAsync()).Where(m => m.Sequence > startedAfter).ToList();
        var history = NodeTimeline.Describe(moments);
        // Each node was taken down only while the 2 others were Healthy, and never a second one beside it. (Stopping
        // the Exo master makes the others re-elect, which can leave a node briefly Degraded, "not in the topology",
        // while one is down: Exo's doing, not a node maintenance took down, so it is not counted against the minimum.)
        Assert.All(moments.Where(m => m.Transition.To == NodeStatus.Draining), m => Assert.True(
            m.Count(NodeStatus.Healthy) >= 2, $"a node was taken down with fewer than 2 others Healthy at {m}\n{history}"));
        Assert.All(moments, m => Assert.True(
            m.Statuses.Values.Count(s => s is NodeStatus.Draining or NodeStatus.Maintenance or NodeStatus.Recovering) <= 1,
            $"more than one node down at {m}\n{history}"));
        foreach (var node in before.Keys)
        {
            var path = moments.Where(m => m.Transition.Node == node).Select(m => m.Transition.To).ToList();
            Assert.True(path.SkipWhile(s => s != NodeStatus.Draining).Take(4).SequenceEqual([NodeStatus.Draining, NodeStatus.Maintenance, NodeStatus.Recovering, NodeStatus.Healthy]), $"{node}: {string.Join(" → ", path)}\n{history}");
        }
        // Nodes went down in order, each after the previous one was Healthy again.
        var downAt = before.Keys.Select(node => moments.First(m => m.Transition.Node == node && m.Transition.To == NodeStatus.Draining).Sequence).ToList();
        Assert.Equal(downAt.Order(), downAt);
    }
}
