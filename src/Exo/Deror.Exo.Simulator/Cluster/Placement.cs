using System.Text.Json;
using Deror.Exo.Api;
using Deror.Exo.Models;

namespace Deror.Exo.Simulator.Cluster;

/// <summary>
/// Computes where an instance goes, as exo's placement does in spirit: the fewest nodes (at least
/// <c>min_nodes</c>) with the most free memory whose memory together holds the model, layers split in proportion
/// to each node's free memory. Free memory is what the node reports, less what instances already assigned to it
/// will take once their runners load.
/// </summary>
internal static class Placement
{
    private static readonly string[] Shardings = ["Pipeline", "Tensor"];
    private static readonly string[] InstanceMetas = ["MlxRing", "MlxJaccl", "LlamaCpp"];

    public static PlacementResult Compute(ExoState state, PlaceInstanceRequest request, int basePort)
    {
        if (string.IsNullOrWhiteSpace(request.ModelId))
        {
            return PlacementResult.Fail(400, "model_id is required.");
        }
        if (!Shardings.Contains(request.Sharding))
        {
            return PlacementResult.Fail(400, $"Invalid sharding '{request.Sharding}'; expected one of {string.Join(", ", Shardings)}.");
        }
        if (!InstanceMetas.Contains(request.InstanceMeta))
        {
            return PlacementResult.Fail(400, $"Invalid instance_meta '{request.InstanceMeta}'; expected one of {string.Join(", ", InstanceMetas)}.");
        }
        if (request.MinNodes < 1)
        {
            return PlacementResult.Fail(400, $"min_nodes must be at least 1; got {request.MinNodes}.");
        }
        var card = ModelCatalog.Find(request.ModelId);
        if (card is null)
        {
            return PlacementResult.Fail(404, $"Model {request.ModelId} not found.");
        }
        var candidates = state.Topology.Nodes
            .Where(state.NodeMemory.ContainsKey)
            .Select(id => (Id: id, Free: FreeMemory(state, id)))
            .OrderByDescending(n => n.Free.InBytes)
            .ThenBy(n => n.Id, StringComparer.Ordinal)
            .ToList();
        for (var count = request.MinNodes; count <= candidates.Count; count++)
        {
            var chosen = candidates.Take(count).ToList();
            if (chosen.Sum(n => n.Free.InBytes) >= card.StorageSize.InBytes && chosen.All(n => n.Free.InBytes > 0))
            {
                return PlacementResult.Ok(Build(card, request, chosen, basePort));
            }
        }
        return PlacementResult.Fail(400, $"No cycles found with sufficient memory for {request.ModelId} " +
            $"({card.StorageSize}, at least {request.MinNodes} node(s); {candidates.Count} node(s) available).");
    }

    /// <summary>Whether every node of <paramref name="instance"/> has room for its shard.</summary>
    public static string? CheckMemory(ExoState state, ExoInstance instance)
    {
        foreach (var (nodeId, runnerId) in instance.ShardAssignments.NodeToRunner)
        {
            if (!state.NodeMemory.ContainsKey(nodeId))
            {
                return $"Insufficient memory to create instance: node {nodeId} is not in the cluster.";
            }
            if (instance.ShardAssignments.RunnerToShard.TryGetValue(runnerId, out var shard) && ShardBytes(shard) > FreeMemory(state, nodeId).InBytes)
            {
                return $"Insufficient memory to create instance: node {nodeId} has {FreeMemory(state, nodeId)} free.";
            }
        }
        return null;
    }

    /// <summary>The memory a runner takes: its share of the model's layers.</summary>
    public static long ShardBytes(ShardMetadata shard) =>
        shard.ModelCard is null || shard.NLayers == 0 ? 0 : shard.ModelCard.StorageSize.InBytes * (shard.EndLayer - shard.StartLayer) / shard.NLayers;

    private static MemorySize FreeMemory(ExoState state, string nodeId)
    {
        var memory = state.NodeMemory[nodeId];
        var assigned = state.Instances.Values
            .Where(i => i.ShardAssignments.NodeToRunner.ContainsKey(nodeId))
            .Sum(i => i.ShardAssignments.RunnerToShard.TryGetValue(i.ShardAssignments.NodeToRunner[nodeId], out var s) ? ShardBytes(s) : 0);
        return new MemorySize(Math.Max(0, Math.Min(memory.RamAvailable.InBytes, memory.RamTotal.InBytes - assigned)));
    }

    private static ExoInstance Build(ModelCard card, PlaceInstanceRequest request, List<(string Id, MemorySize Free)> nodes, int basePort)
    {
        var totalFree = nodes.Sum(n => (double)n.Free.InBytes);
        var runnerToShard = new Dictionary<string, ShardMetadata>();
        var nodeToRunner = new Dictionary<string, string>();
        var hostsByNode = new Dictionary<string, object[]>();
        var start = 0;
        for (var rank = 0; rank < nodes.Count; rank++)
        {
            var remainingNodes = nodes.Count - rank - 1;
            var end = rank == nodes.Count - 1
                ? card.NLayers
                : Math.Clamp(start + (int)Math.Round(card.NLayers * nodes[rank].Free.InBytes / totalFree), start + 1, card.NLayers - remainingNodes);
            var runnerId = Guid.NewGuid().ToString();
            ShardMetadata shard = request.Sharding == "Tensor"
                ? new TensorShardMetadata { ModelCard = card, DeviceRank = rank, WorldSize = nodes.Count, StartLayer = 0, EndLayer = card.NLayers, NLayers = card.NLayers }
                : new PipelineShardMetadata { ModelCard = card, DeviceRank = rank, WorldSize = nodes.Count, StartLayer = start, EndLayer = end, NLayers = card.NLayers };
            runnerToShard[runnerId] = shard;
            nodeToRunner[nodes[rank].Id] = runnerId;
            hostsByNode[nodes[rank].Id] = [new { ip = "127.0.0.1", port = basePort + rank }];
            start = end;
        }
        var assignments = new ShardAssignments { ModelId = card.ModelId, RunnerToShard = runnerToShard, NodeToRunner = nodeToRunner };
        var extra = new Dictionary<string, JsonElement>
        {
            ["hostsByNode"] = JsonSerializer.SerializeToElement(hostsByNode),
            ["ephemeralPort"] = JsonSerializer.SerializeToElement(basePort),
        };
        var instanceId = Guid.NewGuid().ToString();
        return request.InstanceMeta switch
        {
            "MlxJaccl" => new MlxJacclInstance { InstanceId = instanceId, ShardAssignments = assignments, Extra = extra },
            "LlamaCpp" => new LlamaCppInstance { InstanceId = instanceId, ShardAssignments = assignments, Extra = extra },
            _ => new MlxRingInstance { InstanceId = instanceId, ShardAssignments = assignments, Extra = extra },
        };
    }
}

internal sealed record PlacementResult(ExoInstance? Instance, int Status, string? Error)
{
    public static PlacementResult Ok(ExoInstance instance) => new(instance, 200, null);

    public static PlacementResult Fail(int status, string error) => new(null, status, error);
}
