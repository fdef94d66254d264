using Deror.Grains;

namespace Deror.EndToEnd.Tests;

/// <summary>An Exo process dies in a 3-node cluster: its sidecar sees it, restarts it, and the node rejoins Healthy.</summary>
public sealed class ExoCrashTests
{
    [Fact]
    public async Task A_crashed_Exo_is_detected_restarted_and_its_node_is_Healthy_again_in_the_cluster()
    {
        await using var cluster = await ProcessCluster.StartAsync(new ClusterPolicy { MinHealthyNodes = 0 });
        var before = await cluster.NodeAsync(1);
        var crashed = cluster.ExoPid(1)!.Value;
        var crashedAt = DateTimeOffset.UtcNow;

        Pids.Kill(crashed);

        var back = await cluster.WaitForAsync("node-2 Healthy with a new Exo", () => cluster.NodeAsync(1),
            n => n.Status == NodeStatus.Healthy && n.ExoNodeId != before.ExoNodeId && n.LastObservation?.Process == ExoProcessStatus.Running);
        Assert.False(Pids.IsAlive(crashed));
        var restarted = cluster.ExoPid(1);
        Assert.NotEqual(crashed, restarted);
        Assert.True(restarted is { } pid && Pids.IsAlive(pid), $"the restarted Exo (pid {restarted}) does not run");
        // Recovering when the supervisor saw the exit before a probe failed, Unreachable otherwise. (From Healthy, or
        // from Degraded when an Exo election had just left the node briefly out of the topology.)
        Assert.Contains(back.History, t => t.To is NodeStatus.Recovering or NodeStatus.Unreachable && t.At >= crashedAt);
        // The new Exo rejoined the simulated cluster, and the cluster is whole again.
        await cluster.WaitForAsync("the restarted Exo to see all 3 nodes", () => cluster.ExoStatusAsync(1), s => s.LiveNodes.Count == 3 && !s.Electing);
        await cluster.WaitForAllHealthyAsync("every node Healthy after the crash");
        // Not the cluster's status: the crashed Exo's old identity lingers in Exo's state as a ghost, which Degrades it.
        await cluster.WaitForAsync("the cluster's health to show every node Healthy", cluster.Manager.HealthCheckAsync,
            h => h.Nodes.Count == 3 && h.Nodes.All(n => n.Status == NodeStatus.Healthy));
    }
}
