using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Deror.Exo.Api;
using Deror.Exo.Health;
using Deror.Exo.Tests.Infrastructure;

namespace Deror.Exo.Tests;

/// <summary>Injected failures and how the client tells them apart: answered with an error, hung, or down.</summary>
public sealed class FaultInjectionTests
{
    private const string SmallModel = "mlx-community/Llama-3.2-1B-Instruct-4bit";

    [Fact]
    public async Task Slow_node_trips_the_per_call_timeout_and_recovers_when_cleared()
    {
        await using var cluster = await SimCluster.StartAsync(1);
        var node = cluster.Nodes[0].BaseAddress;
        var client = cluster.Client(0);

        await TestClients.ControlAsync(node, HttpMethod.Post, "slow?delay_ms=400");
        var watch = Stopwatch.StartNew();
        var timeout = await Assert.ThrowsAsync<ExoTimeoutException>(() => client.GetNodeIdAsync(TimeSpan.FromMilliseconds(150)));
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(140), TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromMilliseconds(150), timeout.Timeout);
        Assert.Equal(cluster.Nodes[0].NodeId, await client.GetNodeIdAsync(TimeSpan.FromSeconds(2))); // a longer timeout waits it out

        await TestClients.ControlAsync(node, HttpMethod.Delete, "faults");
        watch.Restart();
        await client.GetNodeIdAsync(TimeSpan.FromMilliseconds(300));
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Error_mode_answers_in_exo_error_shape()
    {
        await using var cluster = await SimCluster.StartAsync(1);
        var node = cluster.Nodes[0].BaseAddress;

        await TestClients.ControlAsync(node, HttpMethod.Post, "errors?status=500");
        var error = await Assert.ThrowsAsync<ExoApiException>(() => cluster.Client(0).GetStateAsync());
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal("Internal Server Error", error.ErrorType);
        Assert.Contains("Simulated failure", error.ExoMessage, StringComparison.Ordinal);

        await TestClients.ControlAsync(node, HttpMethod.Delete, "faults");
        await cluster.Client(0).GetStateAsync();
    }

    [Fact]
    public async Task Hung_node_accepts_and_never_answers_so_the_call_times_out()
    {
        await using var cluster = await SimCluster.StartAsync(1);
        var node = cluster.Nodes[0].BaseAddress;

        await TestClients.ControlAsync(node, HttpMethod.Post, "hang");
        await Assert.ThrowsAsync<ExoTimeoutException>(() => cluster.Client(0).GetNodeIdAsync(TimeSpan.FromMilliseconds(300)));
        await Assert.ThrowsAsync<ExoTimeoutException>(() => cluster.Client(0).PlaceInstanceAsync(new PlaceInstanceRequest { ModelId = SmallModel }, TimeSpan.FromMilliseconds(300)));

        await TestClients.ControlAsync(node, HttpMethod.Delete, "faults");
        Assert.Equal(cluster.Nodes[0].NodeId, await cluster.Client(0).GetNodeIdAsync());
    }

    [Fact]
    public async Task A_node_that_is_not_there_is_unavailable_not_timed_out()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var client = TestClients.For(new Uri($"http://127.0.0.1:{port}/"));

        var down = await Assert.ThrowsAsync<ExoUnavailableException>(() => client.GetStateAsync());
        Assert.IsNotType<ExoTimeoutException>(down);
        Assert.Contains($"127.0.0.1:{port}", down.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Caller_cancellation_stays_a_cancellation()
    {
        await using var cluster = await SimCluster.StartAsync(1);
        await TestClients.ControlAsync(cluster.Nodes[0].BaseAddress, HttpMethod.Post, "hang");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cluster.Client(0).GetStateAsync(TimeSpan.FromSeconds(10), cancel.Token));
    }

    [Fact]
    public async Task Runner_failure_fails_the_instance_with_its_message()
    {
        await using var cluster = await SimCluster.StartAsync(1);
        var client = cluster.Client(0);
        await cluster.WaitUntilReadyAsync(1);
        await client.PlaceInstanceAsync(new PlaceInstanceRequest { ModelId = SmallModel });
        var ready = await Eventually.HoldsAsync(() => client.GetStateAsync(), s => s!.ModelsServed().Contains(SmallModel), "the model to be served");
        var instanceId = ready.Instances.Keys.Single();

        await TestClients.ControlAsync(cluster.Nodes[0].BaseAddress, HttpMethod.Post, "runner-failure",
            JsonContent.Create(new { instanceId, message = "Metal OOM while loading layer 3" }));

        var failed = await Eventually.HoldsAsync(
            () => client.GetStateAsync(), s => s!.GetInstanceHealth(instanceId).Status == InstanceServingStatus.Failed, "the instance to fail");
        Assert.Equal("Metal OOM while loading layer 3", Assert.Single(failed.GetInstanceHealth(instanceId).Failures).ErrorMessage);
        Assert.DoesNotContain(SmallModel, failed.ModelsServed());
        var chat = await Assert.ThrowsAsync<ExoApiException>(() =>
            client.ChatCompletionAsync(new ChatCompletionRequest { Model = SmallModel, Messages = [new ChatMessage("user", "hi")] }));
        Assert.Equal(HttpStatusCode.InternalServerError, chat.StatusCode);
        Assert.Contains("Metal OOM", chat.ExoMessage, StringComparison.Ordinal);
    }
}
