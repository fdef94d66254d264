using System.Text.Json;
using Deror.Grains;

namespace Deror.Grains.Tests;

public sealed class ClusterOperationsTests : IAsyncLifetime
{
    private DomainCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await DomainCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<List<TestSidecar>> StartNodesAsync(params string[] names)
    {
        var sidecars = names.Select(n => _cluster.Sidecar(n).Start()).ToList();
        await Eventually.Until(() => _cluster.Manager.HealthCheckAsync(), h => h.Nodes.Count(n => n.Status == NodeStatus.Healthy) == names.Length, "every node is healthy");
        return sidecars;
    }

    [Fact]
    public async Task Rolling_maintenance_takes_one_node_at_a_time_and_never_drops_below_the_minimum()
    {
        var sidecars = await StartNodesAsync("n1", "n2", "n3");
        var start = await _cluster.Manager.PerformMaintenanceAsync(minHealthy: 2);
        Assert.Equal(3, start.Steps.Count);
        await Assert.ThrowsAsync<InvalidStateException>(() => _cluster.Manager.PerformMaintenanceAsync());

        var lowest = int.MaxValue;
        var done = await Eventually.Until(async () =>
        {
            var health = await _cluster.Manager.HealthCheckAsync();
            lowest = Math.Min(lowest, health.Nodes.Count(n => n.Status == NodeStatus.Healthy));
            return health.Maintenance!;
        }, m => m.Phase == MaintenancePhase.Completed, "maintenance completes", TimeSpan.FromSeconds(30));
        Assert.All(done.Steps, s => Assert.True(s.Done));
        Assert.True(lowest >= 2, $"only {lowest} nodes were Healthy at one point");

        // Each node went Draining → Maintenance → Recovering → Healthy, one after another.
        var windows = new List<(DateTimeOffset Start, DateTimeOffset End)>();
        foreach (var sidecar in sidecars)
        {
            var history = (await sidecar.Grain.GetInfo()).History;
            var statuses = history.Select(h => h.To).ToList();
            Assert.Equal([NodeStatus.Draining, NodeStatus.Maintenance, NodeStatus.Recovering, NodeStatus.Healthy], statuses[^4..]);
            windows.Add((history[^4].At, history[^1].At));
            await sidecar.DisposeAsync();
        }
        var ordered = windows.OrderBy(w => w.Start).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            Assert.True(ordered[i].Start >= ordered[i - 1].End, "two nodes were in maintenance at once");
        }
    }

    [Fact]
    public async Task Maintenance_waits_while_taking_a_node_down_would_break_the_minimum()
    {
        var sidecars = await StartNodesAsync("n1", "n2");
        var status = await _cluster.Manager.PerformMaintenanceAsync(minHealthy: 2);
        Assert.Equal(MaintenancePhase.Waiting, status.Phase);
        Assert.Contains("minimum 2", status.Detail);
        Assert.All((await _cluster.Manager.GetNodesAsync()), n => Assert.Equal(NodeStatus.Healthy, n.Status));
        var cancelled = await _cluster.Manager.CancelMaintenanceAsync();
        Assert.Equal(MaintenancePhase.Cancelled, cancelled!.Phase);
        foreach (var sidecar in sidecars)
        {
            await sidecar.DisposeAsync();
        }
    }

    [Fact]
    public async Task Maintenance_of_an_unknown_node_is_rejected()
        => await Assert.ThrowsAsync<NodeNotFoundException>(() => _cluster.Manager.PerformMaintenanceAsync("ghost"));

    [Fact]
    public async Task Desired_models_that_are_not_served_are_placed_through_one_node_and_again_after_a_wipe()
    {
        var sidecars = await StartNodesAsync("n1", "n2");
        var model = "mlx-community/Llama-3.2-1B-Instruct-4bit";
        await _cluster.Manager.SetModelPlacementAsync(new ModelPlacement { ModelId = model });
        var health = await _cluster.Manager.HealthCheckAsync();
        Assert.Equal(ClusterStatus.Degraded, health.Status);
        Assert.Contains(health.Reasons, r => r.Contains($"models not served: {model}"));

        NodeDirective Placing() { lock (sidecars[0].Directives) { return sidecars[0].Directives.LastOrDefault(d => d.PlaceModels.Count > 0)!; } }
        await Eventually.Until(() => Task.FromResult(Placing()), d => d is not null, "the first node is asked to place the model");
        Assert.Equal(model, Placing().PlaceModels[0].ModelId);

        foreach (var sidecar in sidecars)
        {
            sidecar.Observation = sidecar.Observation with { ServedModels = [model] };
        }
        await Eventually.Until(() => _cluster.Manager.HealthCheckAsync(), h => h.Status == ClusterStatus.Healthy, "the cluster is healthy once the model is served");

        // An Exo master change wipes placements: the model is placed again.
        lock (sidecars[0].Directives)
        {
            sidecars[0].Directives.Clear();
        }
        foreach (var sidecar in sidecars)
        {
            sidecar.Observation = sidecar.Observation with { ServedModels = [] };
        }
        await Eventually.Until(() => Task.FromResult(Placing()), d => d is not null, "the model is placed again after the wipe");
        foreach (var sidecar in sidecars)
        {
            await sidecar.DisposeAsync();
        }
    }

    [Fact]
    public async Task Ghost_identities_and_bad_policies_are_reported()
    {
        var sidecars = await StartNodesAsync("n1");
        sidecars[0].Observation = sidecars[0].Observation with { GhostNodeIds = ["old-id"] };
        var health = await Eventually.Until(() => _cluster.Manager.HealthCheckAsync(), h => h.Status == ClusterStatus.Degraded, "ghosts degrade the cluster");
        Assert.Contains(health.Reasons, r => r.Contains("ghost identities") && r.Contains("old-id"));
        var error = await Assert.ThrowsAsync<InvalidSpecException>(() => _cluster.Manager.SetPolicyAsync(new ClusterPolicy { MaxParallelMaintenance = 0 }));
        Assert.Contains("MaxParallelMaintenance", error.Message);
        await sidecars[0].DisposeAsync();
    }

    [Fact]
    public async Task Cluster_health_serializes_with_the_api_field_names()
    {
        var sidecars = await StartNodesAsync("n1");
        var json = JsonSerializer.Serialize(await _cluster.Manager.HealthCheckAsync(), DerorJson.Options);
        Assert.Contains("\"status\":\"Healthy\"", json);
        Assert.Contains("\"nodes\":[{\"name\":\"n1\"", json);
        await sidecars[0].DisposeAsync();
    }
}
