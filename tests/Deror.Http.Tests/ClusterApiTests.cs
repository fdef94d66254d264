using System.Net;
using System.Text.Json;
using Deror.Grains;
using Deror.Client;
using Deror.Http.Api;

namespace Deror.Http.Tests;

/// <summary>Health, nodes, maintenance, silos and the probes, against a silo with two healthy fake nodes.</summary>
public sealed class ClusterApiTests : IAsyncLifetime
{
    private ApiSilo _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = await ApiSilo.StartAsync();
        await _silo.AddHealthyNodeAsync("node-a");
        await _silo.AddHealthyNodeAsync("node-b");
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Liveness_and_readiness_report_a_running_active_silo()
    {
        var live = await _silo.Http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        var ready = await Problems.ReadAsync<ProbeStatus>(await _silo.Http.GetAsync("/readyz"));
        Assert.Equal("Active", ready.Status);
    }

    [Fact]
    public async Task Cluster_health_has_a_status_reasons_and_a_summary_per_node()
    {
        var health = await Problems.ReadAsync<ClusterHealth>(await _silo.Http.GetAsync("/api/cluster/health"));

        Assert.Equal(_silo.Manager.ClusterId, health.ClusterId);
        Assert.Equal(ClusterStatus.Healthy, health.Status);
        Assert.Equal(["node-a", "node-b"], health.Nodes.Select(n => n.Name).Order());
        Assert.All(health.Nodes, n => Assert.Equal(NodeStatus.Healthy, n.Status));
    }

    [Fact]
    public async Task Nodes_are_listed_and_read_one_by_one_and_an_unknown_node_is_404()
    {
        var nodes = await Problems.ReadAsync<NodeInfo[]>(await _silo.Http.GetAsync("/api/nodes"));
        Assert.Equal(["node-a", "node-b"], nodes.Select(n => n.Name).Order());

        var node = await Problems.ReadAsync<NodeInfo>(await _silo.Http.GetAsync("/api/nodes/node-a"));
        Assert.Equal("exo-node-a", node.ExoNodeId);
        Assert.Equal(4, node.Capacity.CpuCores);
        // The handlers its sidecar advertises, under the API's camelCase name.
        var raw = JsonDocument.Parse(await _silo.Http.GetStringAsync("/api/nodes/node-a")).RootElement;
        Assert.Equal(["echo", "noop"], raw.GetProperty("handlers").EnumerateArray().Select(h => h.GetString()));

        await Problems.AssertAsync(await _silo.Http.GetAsync("/api/nodes/node-zzz"), HttpStatusCode.NotFound, "node-zzz");
    }

    [Fact]
    public async Task Maintenance_of_one_node_starts_and_runs_to_completion()
    {
        Assert.Equal(HttpStatusCode.NoContent, (await _silo.Http.GetAsync("/api/maintenance")).StatusCode);

        var started = await Problems.ReadAsync<MaintenanceStatus>(
            await _silo.Http.PostAsync("/api/maintenance", Problems.Json("""{"node":"node-a","minHealthy":1}""")), HttpStatusCode.Accepted);
        Assert.Equal(["node-a"], started.Steps.Select(s => s.Node));
        Assert.Equal(1, started.MinHealthy);

        var finished = await Eventually.Until(
            async () => await Problems.ReadAsync<MaintenanceStatus>(await _silo.Http.GetAsync("/api/maintenance")),
            m => m.Phase == MaintenancePhase.Completed, "maintenance completed", TimeSpan.FromSeconds(30));
        Assert.All(finished.Steps, s => Assert.True(s.Done));
    }

    [Fact]
    public async Task A_second_maintenance_while_one_runs_is_a_conflict_and_a_run_can_be_cancelled()
    {
        // Both nodes must stay healthy, so this rolling run can only wait: it is there to conflict and be cancelled.
        var started = await Problems.ReadAsync<MaintenanceStatus>(
            await _silo.Http.PostAsync("/api/maintenance", Problems.Json("""{"minHealthy":2}""")), HttpStatusCode.Accepted);
        Assert.Equal(["node-a", "node-b"], started.Steps.Select(s => s.Node).Order());
        Assert.Contains((await _silo.Manager.GetMaintenanceAsync())!.Phase, new[] { MaintenancePhase.Waiting, MaintenancePhase.Running });

        await Problems.AssertAsync(await _silo.Http.PostAsync("/api/maintenance", Problems.Json("""{"node":"node-a"}""")), HttpStatusCode.Conflict, "in progress");

        var cancelled = await Problems.ReadAsync<MaintenanceStatus>(await _silo.Http.PostAsync("/api/maintenance/cancel", null));
        Assert.Equal(MaintenancePhase.Cancelled, cancelled.Phase);

        // With no body at all, maintenance rolls over every node.
        var rolling = await Problems.ReadAsync<MaintenanceStatus>(await _silo.Http.PostAsync("/api/maintenance", content: null), HttpStatusCode.Accepted);
        Assert.Equal(2, rolling.Steps.Count);
    }

    [Theory]
    [InlineData("""{"node":"node-x"}""", HttpStatusCode.NotFound, "node-x")]
    [InlineData("""{"maxParallel":0}""", HttpStatusCode.BadRequest, "maxParallel")]
    [InlineData("""{"minHealthy":-1}""", HttpStatusCode.BadRequest, "minHealthy")]
    [InlineData("""{"maxParallel":"two"}""", HttpStatusCode.BadRequest, "maxParallel")]
    [InlineData("""{"nodes":["node-a"]}""", HttpStatusCode.BadRequest, "nodes")]
    public async Task Bad_maintenance_requests_are_problems(string body, HttpStatusCode status, string mentions)
        => await Problems.AssertAsync(await _silo.Http.PostAsync("/api/maintenance", Problems.Json(body)), status, mentions);

    [Fact]
    public async Task Silos_lists_the_membership_with_this_silo_active_and_its_gateway()
    {
        var silos = await Problems.ReadAsync<SiloDetails[]>(await _silo.Http.GetAsync("/api/silos"));

        var local = Assert.Single(silos);
        Assert.True(local.IsLocal);
        Assert.Equal(Deror.Runtime.SiloStatus.Active, local.Status);
        Assert.Equal("api-silo", local.Name);
        Assert.Matches(@"^127\.0\.0\.1:\d+:\d+$", local.Address);
        Assert.Matches(@"^127\.0\.0\.1:\d+$", local.Gateway);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_endpoint()
    {
        var response = await _silo.Http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        string[] expected =
        [
            "/healthz", "/readyz", "/metrics", "/api/cluster/health", "/api/nodes", "/api/nodes/{id}", "/api/maintenance",
            "/api/maintenance/cancel", "/api/tasks", "/api/tasks/{id}", "/api/tasks/{id}/cancel", "/api/tasks/{id}/logs",
            "/api/events", "/api/silos",
        ];
        Assert.All(expected, p => Assert.Contains(p, paths));
        Assert.True(document.GetProperty("paths").GetProperty("/api/tasks").TryGetProperty("post", out var post));
        Assert.True(post.TryGetProperty("requestBody", out _));
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("TaskSpec", out _));
    }
}
