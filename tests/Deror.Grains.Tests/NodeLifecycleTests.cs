using Deror.Grains;

namespace Deror.Grains.Tests;

public sealed class NodeLifecycleTests : IAsyncLifetime
{
    private DomainCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await DomainCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Heartbeats_move_a_node_through_health_states_with_reasons()
    {
        await using var sidecar = _cluster.Sidecar("n1");
        await sidecar.HeartbeatAsync();
        var info = await sidecar.Grain.GetInfo();
        Assert.Equal(NodeStatus.Healthy, info.Status);

        sidecar.Observation = sidecar.Observation with { InTopology = false };
        await sidecar.HeartbeatAsync();
        info = await sidecar.Grain.GetInfo();
        Assert.Equal(NodeStatus.Degraded, info.Status);
        Assert.Contains("not in the cluster topology", info.Reason);

        sidecar.Observation = sidecar.Observation with { ExoNodeId = null, ProbeError = "connection refused" };
        await sidecar.HeartbeatAsync();
        info = await sidecar.Grain.GetInfo();
        Assert.Equal(NodeStatus.Unreachable, info.Status);
        Assert.Contains("connection refused", info.Reason);

        sidecar.Observation = sidecar.Observation with { Process = ExoProcessStatus.Restarting };
        await sidecar.HeartbeatAsync();
        Assert.Equal(NodeStatus.Recovering, (await sidecar.Grain.GetInfo()).Status);

        sidecar.Observation = sidecar.Observation with { Process = ExoProcessStatus.Running, ExoNodeId = "exo-new", InTopology = true };
        await sidecar.HeartbeatAsync();
        info = await sidecar.Grain.GetInfo();
        Assert.Equal(NodeStatus.Healthy, info.Status);
        Assert.Contains("Exo restarted", info.Reason);
        Assert.Equal("exo-new", info.ExoNodeId);
        Assert.Equal(
            [NodeStatus.Healthy, NodeStatus.Degraded, NodeStatus.Unreachable, NodeStatus.Recovering, NodeStatus.Healthy],
            info.History.Select(h => h.To));
    }

    [Fact]
    public async Task An_illegal_transition_is_rejected_naming_the_current_state()
    {
        await using var sidecar = _cluster.Sidecar("n1");
        await sidecar.HeartbeatAsync();
        var error = await Assert.ThrowsAsync<InvalidStateException>(() => sidecar.Grain.ReportDrained());
        Assert.Contains("is Healthy", error.Message);
        Assert.Contains("Maintenance", error.Message);
    }

    [Fact]
    public async Task A_silent_sidecar_makes_its_node_unreachable_then_dead_and_the_cluster_unhealthy()
    {
        await using var sidecar = _cluster.Sidecar("n1").Start();
        await Eventually.Until(() => _cluster.Manager.HealthCheckAsync(), h => h.Status == ClusterStatus.Healthy, "the cluster is healthy");
        await sidecar.StopAsync();
        var unreachable = await Eventually.Until(() => sidecar.Grain.GetInfo(), n => n.Status == NodeStatus.Unreachable, "the node is unreachable");
        Assert.Contains("sidecar silent", unreachable.Reason);
        await Eventually.Until(() => sidecar.Grain.GetInfo(), n => n.Status == NodeStatus.Dead, "the node is dead");
        var health = await _cluster.Manager.HealthCheckAsync();
        Assert.Equal(ClusterStatus.Unhealthy, health.Status);
        Assert.Contains(health.Reasons, r => r.Contains("node n1 is Dead"));

        await sidecar.HeartbeatAsync();
        Assert.Equal(NodeStatus.Healthy, (await sidecar.Grain.GetInfo()).Status);
    }

    [Fact]
    public async Task Node_transitions_are_appended_to_the_event_log()
    {
        await using var sidecar = _cluster.Sidecar("n1");
        await sidecar.HeartbeatAsync();
        sidecar.Observation = sidecar.Observation with { ExoNodeId = null };
        await sidecar.HeartbeatAsync();
        var events = new List<EventRecord>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var e in _cluster.Manager.FollowEventsAsync(0, cts.Token))
        {
            if (e.Type == LifecycleEvents.NodeTransition)
            {
                events.Add(e);
            }
            if (events.Count == 2)
            {
                break;
            }
        }
        Assert.Contains("\"to\":\"Healthy\"", events[0].Data);
        Assert.Contains("\"to\":\"Unreachable\"", events[1].Data);
        Assert.True(events[1].Sequence > events[0].Sequence);
    }
}
