using Deror.Exo.Api;
using Deror.Exo.Health;
using Deror.Exo.Models;
using Deror.Exo.Tests.Infrastructure;

namespace Deror.Exo.Tests;

/// <summary>The client against simulated nodes running in this process (each its own Kestrel).</summary>
public sealed class ClusterTests
{
    private const string SmallModel = "mlx-community/Llama-3.2-1B-Instruct-4bit";

    private static ChatCompletionRequest Chat(string text, int? maxTokens = null) =>
        new() { Model = SmallModel, Messages = [new ChatMessage("user", text)], MaxTokens = maxTokens };

    [Fact]
    public async Task Three_nodes_form_one_cluster_that_every_node_reports_ready()
    {
        await using var cluster = await SimCluster.StartAsync(3);

        await cluster.WaitUntilReadyAsync(3);

        var ids = new List<string>();
        foreach (var i in Enumerable.Range(0, 3))
        {
            var client = cluster.Client(i);
            var id = await client.GetNodeIdAsync();
            Assert.Equal(cluster.Nodes[i].NodeId, id);
            ids.Add(id);
            var state = await client.GetStateAsync();
            Assert.Equal(3, state.Topology.Nodes.Count);
            Assert.Contains(id, state.Topology.Nodes);
            Assert.True(state.GetMembership(id, TimeSpan.FromSeconds(2)).IsMember);
            Assert.Empty(state.GhostIdentities());
            Assert.Equal(8L * 1024 * 1024 * 1024, state.GetCapacity(id)!.RamTotal.InBytes);
        }
        Assert.Equal(3, ids.Distinct().Count());
        Assert.Single(cluster.Nodes.Select(n => n.ClusterStatus.MasterId).Distinct());
    }

    [Fact]
    public async Task Place_instance_goes_ready_and_chat_completions_are_deterministic()
    {
        await using var cluster = await SimCluster.StartAsync(2);
        await cluster.WaitUntilReadyAsync(2);
        var follower = cluster.Client(cluster.Nodes.ToList().FindIndex(n => !n.ClusterStatus.IsMaster));

        var placed = await follower.PlaceInstanceAsync(new PlaceInstanceRequest { ModelId = SmallModel }); // forwarded to the master
        Assert.Equal("Command received.", placed.Message);
        Assert.Equal(SmallModel, placed.ModelCard!.ModelId);

        var state = await Eventually.HoldsAsync(() => follower.GetStateAsync(), s => s!.ModelsServed().Contains(SmallModel), "the model to be served");
        var instance = Assert.Single(state.Instances.Values);
        Assert.IsType<MlxRingInstance>(instance);
        Assert.IsType<RunnerReady>(state.Runners[Assert.Single(instance.ShardAssignments.RunnerToShard.Keys)]);
        var read = await follower.GetInstanceAsync(instance.InstanceId);
        Assert.Equal((instance.InstanceId, SmallModel), (read.InstanceId, read.ShardAssignments.ModelId));
        Assert.Equal(instance.ShardAssignments.NodeToRunner, read.ShardAssignments.NodeToRunner);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, (await follower.GetStatePathAsync($"instances/{instance.InstanceId}")).ValueKind);

        var first = await cluster.Client(0).ChatCompletionAsync(Chat("Why is the sky blue?"));
        var second = await cluster.Client(1).ChatCompletionAsync(Chat("Why is the sky blue?"));
        var other = await cluster.Client(1).ChatCompletionAsync(Chat("Something else"));
        Assert.Equal(first.Text, second.Text);
        Assert.NotEqual(first.Text, other.Text);
        Assert.Equal(TestTokens(first.Text), first.Usage!.CompletionTokens);
        Assert.Equal("stop", first.Choices[0].FinishReason);

        var chunks = new List<ChatCompletionResponse>();
        await foreach (var chunk in cluster.Client(1).StreamChatCompletionAsync(Chat("Why is the sky blue?")))
        {
            chunks.Add(chunk);
        }
        Assert.Equal(first.Text, string.Concat(chunks.Select(c => c.Text)));
        Assert.Equal("stop", chunks[^1].Choices[0].FinishReason);
        Assert.All(chunks, c => Assert.Equal("chat.completion", c.Object));

        var limited = await cluster.Client(0).ChatCompletionAsync(Chat("Why is the sky blue?", maxTokens: 3));
        Assert.Equal(("length", 3), (limited.Choices[0].FinishReason, limited.Usage!.CompletionTokens));

        // Every completion left a TextGeneration task, Complete, on the master's state.
        var tasks = await Eventually.HoldsAsync(
            () => follower.GetStateAsync(), s => s!.Tasks.Values.Count(t => t.TaskStatus == ExoTaskStatus.Complete) == 5, "five completed tasks");
        Assert.All(tasks.Tasks.Values, t => Assert.Equal(instance.InstanceId, Assert.IsType<TextGeneration>(t).InstanceId));
    }

    [Fact]
    public async Task Chat_without_an_instance_is_404_and_cancel_stops_a_generation()
    {
        await using var cluster = await SimCluster.StartAsync(1, (_, o) => o.TokenDelay = TimeSpan.FromMilliseconds(100));
        await cluster.WaitUntilReadyAsync(1);
        var client = cluster.Client(0);

        var missing = await Assert.ThrowsAsync<ExoApiException>(() => client.ChatCompletionAsync(Chat("hello")));
        Assert.Equal((System.Net.HttpStatusCode.NotFound, $"No instance found for model {SmallModel}", "Not Found"), (missing.StatusCode, missing.ExoMessage, missing.ErrorType));

        await client.PlaceInstanceAsync(new PlaceInstanceRequest { ModelId = SmallModel });
        await using var stream = client.StreamChatCompletionAsync(Chat("a long answer", maxTokens: 200)).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync()); // the instance became ready and generation began
        var commandId = stream.Current.Id;
        var running = await Eventually.HoldsAsync(() => client.GetStateAsync(), s => s!.Tasks.Values.Any(t => t.TaskStatus == ExoTaskStatus.Running), "a running task");
        Assert.Equal(commandId, Assert.IsType<TextGeneration>(running.Tasks.Values.Single()).CommandId);

        var cancelled = await client.CancelAsync(commandId);
        Assert.Equal(commandId, cancelled.CommandId);
        var count = 1;
        while (await stream.MoveNextAsync())
        {
            count++;
        }
        Assert.InRange(count, 1, 100);
        await Eventually.HoldsAsync(() => client.GetStateAsync(), s => s!.Tasks.Values.Single().TaskStatus == ExoTaskStatus.Cancelled, "the task to be Cancelled");

        var unknown = await Assert.ThrowsAsync<ExoApiException>(() => client.CancelAsync("no-such-command"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Placement_instances_and_models_endpoints_follow_exo()
    {
        await using var cluster = await SimCluster.StartAsync(2);
        await cluster.WaitUntilReadyAsync(2);
        var client = cluster.Client(0);

        var models = await client.GetModelsAsync();
        Assert.Equal("list", models.Object);
        Assert.Contains(models.Data, m => m.Id == SmallModel && m.StorageSizeMegabytes == 696);
        Assert.Empty((await client.GetModelsAsync(downloadedOnly: true)).Data);

        // 40 GB does not fit one 8 GB node, nor two.
        var impossible = await Assert.ThrowsAsync<ExoApiException>(() =>
            client.GetPlacementAsync(new PlaceInstanceRequest { ModelId = "mlx-community/Llama-3.3-70B-Instruct-4bit" }));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, impossible.StatusCode);
        Assert.Contains("sufficient memory", impossible.ExoMessage, StringComparison.Ordinal);

        var placement = await client.GetPlacementAsync(new PlaceInstanceRequest { ModelId = SmallModel, MinNodes = 2 });
        Assert.Equal(2, placement.ShardAssignments.NodeToRunner.Count);
        var layers = placement.ShardAssignments.RunnerToShard.Values.OrderBy(s => s.DeviceRank).Select(s => (s.StartLayer, s.EndLayer)).ToArray();
        Assert.Equal(0, layers[0].StartLayer);
        Assert.Equal(layers[0].EndLayer, layers[1].StartLayer);
        Assert.Equal(16, layers[1].EndLayer);

        await client.CreateInstanceAsync(placement);
        var state = await Eventually.HoldsAsync(() => cluster.Client(1).GetStateAsync(), s => s!.GetInstanceHealth(placement.InstanceId).Status == InstanceServingStatus.Ready, "the created instance to be ready");
        Assert.Equal(2, state.InstancesUsingNode(cluster.Nodes[0].NodeId).Count + state.InstancesUsingNode(cluster.Nodes[1].NodeId).Count);
        Assert.Contains((await client.GetModelsAsync(downloadedOnly: true)).Data, m => m.Id == SmallModel);

        var duplicate = await Assert.ThrowsAsync<ExoApiException>(() => client.CreateInstanceAsync(placement));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, duplicate.StatusCode);

        var deleted = await client.DeleteInstanceAsync(placement.InstanceId);
        Assert.Equal(placement.InstanceId, deleted.InstanceId);
        var gone = await Assert.ThrowsAsync<ExoApiException>(() => client.GetInstanceAsync(placement.InstanceId));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await Assert.ThrowsAsync<ExoApiException>(() => client.DeleteInstanceAsync(placement.InstanceId))).StatusCode);

        var badPath = await Assert.ThrowsAsync<ExoApiException>(() => client.GetStatePathAsync("no/such/path"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, badPath.StatusCode);
        var unknownModel = await Assert.ThrowsAsync<ExoApiException>(() => client.PlaceInstanceAsync(new PlaceInstanceRequest { ModelId = "nobody/nothing" }));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknownModel.StatusCode);
    }

    [Fact]
    public async Task A_crashed_node_leaves_a_ghost_identity_and_its_instances_are_deleted()
    {
        await using var cluster = await SimCluster.StartAsync(3, (i, o) => o.ForceMaster = i == 0);
        await cluster.WaitUntilReadyAsync(3);
        var master = cluster.Client(0);
        await master.PlaceInstanceAsync(new PlaceInstanceRequest { ModelId = SmallModel, MinNodes = 3 });
        await Eventually.HoldsAsync(() => master.GetStateAsync(), s => s!.ModelsServed().Contains(SmallModel), "the 3-node instance to be ready");
        var victim = cluster.Nodes[2];

        await TestClients.ControlAsync(victim.BaseAddress, HttpMethod.Post, "crash"); // in-process: the node stops without leaving discovery
        await victim.Stopped;

        var state = await Eventually.HoldsAsync(
            () => master.GetStateAsync(),
            s => !s!.Topology.Nodes.Contains(victim.NodeId) && s.Instances.Count == 0 && !s.NodeMemory.ContainsKey(victim.NodeId),
            "the master to drop the crashed node and delete the instance that used it");
        Assert.Equal([victim.NodeId], state.GhostIdentities());
        Assert.False(state.IsClusterReady(2)); // identities still count the ghost
        Assert.Equal(2, state.NodeMemory.Count);
        await Assert.ThrowsAsync<ExoUnavailableException>(() => TestClients.For(victim.BaseAddress).GetNodeIdAsync());
    }

    [Fact]
    public async Task Nodes_in_another_namespace_do_not_join()
    {
        await using var cluster = await SimCluster.StartAsync(2);
        var stranger = await cluster.AddAsync(cluster.FastOptions(@namespace: "other-version"));

        await cluster.WaitUntilReadyAsync(2, cluster.Nodes.Take(2));
        await cluster.WaitUntilReadyAsync(1, [stranger]);
        var state = await cluster.Client(0).GetStateAsync();
        Assert.DoesNotContain(stranger.NodeId, state.NodeIdentities.Keys);
    }

    private static int TestTokens(string? text) => text!.Split(' ').Length;
}
