using System.Text.Json;
using Deror.Exo.Api;
using Deror.Exo.Json;
using Deror.Exo.Models;

namespace Deror.Exo.Tests;

/// <summary>Exo's JSON shapes, from a golden /state written after exo's types (camelCase, tagged unions, {"inBytes": n}).</summary>
public sealed class JsonShapeTests
{
    private static ExoState Golden() =>
        JsonSerializer.Deserialize<ExoState>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "state.json")), ExoJson.Options)!;

    [Fact]
    public void State_instances_are_tagged_unions_with_shard_assignments()
    {
        var state = Golden();

        var ready = Assert.IsType<MlxRingInstance>(state.Instances["inst-ready"]);
        Assert.Equal("inst-ready", ready.InstanceId);
        Assert.Equal("mlx-community/Llama-3.2-1B-Instruct-4bit", ready.ShardAssignments.ModelId);
        Assert.Equal("runner-b", ready.ShardAssignments.NodeToRunner["node-b"]);
        var shard = Assert.IsType<PipelineShardMetadata>(ready.ShardAssignments.RunnerToShard["runner-b"]);
        Assert.Equal((1, 2, 8, 16, 16), (shard.DeviceRank, shard.WorldSize, shard.StartLayer, shard.EndLayer, shard.NLayers));
        Assert.Equal(729808896, shard.ModelCard!.StorageSize.InBytes);
        Assert.Equal(52416, ready.Extra!["ephemeralPort"].GetInt32());

        var jaccl = Assert.IsType<MlxJacclInstance>(state.Instances["inst-failed"]);
        Assert.IsType<TensorShardMetadata>(jaccl.ShardAssignments.RunnerToShard["runner-c"]);
    }

    [Fact]
    public void Runner_statuses_carry_their_fields()
    {
        var runners = Golden().Runners;

        Assert.IsType<RunnerReady>(runners["runner-a"]);
        Assert.IsType<RunnerRunning>(runners["runner-b"]);
        Assert.Equal("Metal OOM while loading layer 12", Assert.IsType<RunnerFailed>(runners["runner-c"]).ErrorMessage);
        Assert.Equal(new RunnerLoading(7, 24), Assert.IsType<RunnerLoading>(runners["runner-d"]) with { Extra = null });
    }

    [Fact]
    public void Unknown_tags_are_kept_with_their_payload_instead_of_failing()
    {
        var state = Golden();

        var runner = Assert.IsType<UnknownRunnerStatus>(state.Runners["runner-e"]);
        Assert.Equal("RunnerHibernating", runner.Tag);
        Assert.Equal(3, runner.Payload.GetProperty("since").GetInt32());

        // An unknown instance kind still tells which nodes it uses.
        var instance = Assert.IsType<UnknownInstance>(state.Instances["inst-future"]);
        Assert.Equal("VllmClusterInstance", instance.Tag);
        Assert.Equal("inst-future", instance.InstanceId);
        Assert.Equal("runner-e", instance.ShardAssignments.NodeToRunner["node-a"]);
        Assert.Equal("QuantumShardMetadata", Assert.IsType<UnknownShardMetadata>(instance.ShardAssignments.RunnerToShard["runner-e"]).Tag);

        var task = Assert.IsType<UnknownTask>(state.Tasks["task-4"]);
        Assert.Equal(("SpeechSynthesis", "task-4", ExoTaskStatus.Pending, "inst-loading"), (task.Tag, task.TaskId, task.TaskStatus, task.InstanceId));
    }

    [Fact]
    public void Unknown_tags_are_written_back_unchanged()
    {
        var state = Golden();

        var json = JsonSerializer.SerializeToElement(state, ExoJson.Options);

        Assert.Equal(3, json.GetProperty("runners").GetProperty("runner-e").GetProperty("RunnerHibernating").GetProperty("since").GetInt32());
        Assert.Equal("ring", json.GetProperty("instances").GetProperty("inst-future").GetProperty("VllmClusterInstance").GetProperty("gpuTopology").GetString());
        // And a known case round-trips to the same tag and fields.
        var loading = json.GetProperty("runners").GetProperty("runner-d").GetProperty("RunnerLoading");
        Assert.Equal((7, 24), (loading.GetProperty("layersLoaded").GetInt32(), loading.GetProperty("totalLayers").GetInt32()));
        Assert.Equal(JsonValueKind.Object, json.GetProperty("nodeSystem").ValueKind);
    }

    [Fact]
    public void Tasks_topology_nodes_and_downloads_parse()
    {
        var state = Golden();

        var generation = Assert.IsType<TextGeneration>(state.Tasks["task-1"]);
        Assert.Equal((ExoTaskStatus.Running, "inst-ready", "cmd-1"), (generation.TaskStatus, generation.InstanceId, generation.CommandId));
        Assert.True(generation.IsActive);
        Assert.False(state.Tasks["task-2"].IsActive);
        Assert.IsType<ImageGeneration>(state.Tasks["task-3"]);

        Assert.Equal(["node-a", "node-b"], state.Topology.Nodes);
        Assert.Single(state.Topology.Connections["node-a"]["node-b"]);
        Assert.Equal("gpu-box-1", state.NodeIdentities["node-a"].FriendlyName);
        Assert.Equal(51539607552, state.NodeMemory["node-a"].RamAvailable.InBytes);
        Assert.Equal(536870912, state.NodeMemory["node-b"].SwapAvailable.InBytes);
        Assert.Equal(400081954406, state.NodeDisk["node-a"].Available.InBytes);
        Assert.Equal("10.0.0.2", state.NodeNetwork["node-b"].Interfaces[0].IpAddress);
        Assert.Equal([ExoBackends.MlxCpu, ExoBackends.MlxCuda], state.NodeBackends["node-a"]);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 12, 0, 10, 500, TimeSpan.Zero), state.LastSeen["node-a"]);

        Assert.Equal(364904448, Assert.IsType<DownloadCompleted>(state.Downloads["node-a"][0]).TotalBytes.InBytes);
        var ongoing = Assert.IsType<DownloadOngoing>(state.Downloads["node-a"][1]);
        Assert.Equal((2, 4, 145752064L), (ongoing.DownloadProgress!.CompletedFiles, ongoing.DownloadProgress.TotalFiles, ongoing.DownloadProgress.DownloadedBytes.InBytes));
        Assert.Equal("HTTP 403 from huggingface.co", Assert.IsType<DownloadFailed>(state.Downloads["node-b"][0]).ErrorMessage);
    }

    [Fact]
    public void Api_bodies_use_exo_snake_case_names()
    {
        var error = JsonSerializer.Deserialize<ExoErrorResponse>("""{"error":{"message":"No instance found for model x","type":"Not Found","param":null,"code":404}}""", ExoJson.Options)!;
        Assert.Equal(new ExoError("No instance found for model x", "Not Found", null, 404), error.Error);

        var command = JsonSerializer.Deserialize<CommandResponse>("""{"message":"Command received.","command_id":"c-1","instance_id":"i-1"}""", ExoJson.Options)!;
        Assert.Equal(("Command received.", "c-1", "i-1"), (command.Message, command.CommandId, command.InstanceId));

        var models = JsonSerializer.Deserialize<ModelList>(
            """{"object":"list","data":[{"id":"m/1","object":"model","created":1,"owned_by":"exo","name":"1","storage_size_megabytes":696,"tasks":["TextGeneration"],"is_custom":false}]}""",
            ExoJson.Options)!;
        Assert.Equal(("m/1", 696L, "TextGeneration"), (models.Data[0].Id, models.Data[0].StorageSizeMegabytes, models.Data[0].Tasks[0]));

        var place = JsonSerializer.SerializeToElement(new PlaceInstanceRequest { ModelId = "m/1", MinNodes = 2 }, ExoJson.Options);
        Assert.Equal("""{"model_id":"m/1","sharding":"Pipeline","instance_meta":"MlxRing","min_nodes":2}""", place.GetRawText());

        var chunk = JsonSerializer.Deserialize<ChatCompletionResponse>(
            """{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":" hi"},"finish_reason":null}]}""",
            ExoJson.Options)!;
        Assert.Equal(" hi", chunk.Text);
    }

    [Fact]
    public void A_malformed_union_names_the_problem()
    {
        var empty = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<RunnerStatus>("{}", ExoJson.Options));
        Assert.Contains("exactly one property", empty.Message, StringComparison.Ordinal);

        var twoTags = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<RunnerStatus>("""{"RunnerReady":{},"RunnerIdle":{}}""", ExoJson.Options));
        Assert.Contains("RunnerReady has more", twoTags.Message, StringComparison.Ordinal);

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ExoInstance>("\"MlxRingInstance\"", ExoJson.Options));
    }
}
