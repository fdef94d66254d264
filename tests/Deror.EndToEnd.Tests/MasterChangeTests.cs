using Deror.Exo.Health;
using Deror.Grains;

namespace Deror.EndToEnd.Tests;

/// <summary>Exo wipes its placements when its master changes and never re-places them; the cluster grain does.</summary>
public sealed class MasterChangeTests
{
    private const string Model = "mlx-community/Qwen2.5-0.5B-Instruct-4bit";

    [Fact]
    public async Task Killing_the_Exo_master_wipes_the_placement_and_the_desired_model_is_placed_again()
    {
        await using var cluster = await ProcessCluster.StartAsync(new ClusterPolicy { MinHealthyNodes = 0, PlacementRetryInterval = TimeSpan.FromSeconds(2) });
        await cluster.Manager.SetModelPlacementAsync(new ModelPlacement { ModelId = Model });
        var first = await cluster.WaitForAsync("the desired model served", () => InstancesOfAsync(cluster, 0), ids => ids.Count > 0);
        await cluster.WaitForAsync("the cluster to report the model served", cluster.Manager.HealthCheckAsync, h => h.ServedModels.Contains(Model));
        var placedBefore = PlacementsAsked(cluster);

        var master = await MasterAsync(cluster);
        var masterExoId = (await cluster.NodeAsync(master)).ExoNodeId;
        var masterPid = cluster.ExoPid(master)!.Value;
        Pids.Kill(masterPid);

        var survivor = master == 0 ? 1 : 0;
        var status = await cluster.WaitForAsync("a new Exo master", () => cluster.ExoStatusAsync(survivor),
            s => !s.Electing && s.MasterId is not null && s.MasterId != masterExoId);
        Assert.NotEqual(masterExoId, status.MasterId);
        // Served again through a new instance: the new master started empty and Deror asked /place_instance again.
        var again = await cluster.WaitForAsync("the model served again by a new instance", () => InstancesOfAsync(cluster, survivor),
            ids => ids.Count > 0 && !ids.Intersect(first).Any(), TimeSpan.FromSeconds(60));
        Assert.Empty(again.Intersect(first));
        Assert.True(PlacementsAsked(cluster) > placedBefore, "no sidecar asked Exo to place the model after the master change");
        var health = await cluster.WaitForAsync("the cluster to report the model served again", cluster.Manager.HealthCheckAsync, h => h.ServedModels.Contains(Model));
        Assert.Equal([Model], health.DesiredModels);
        // The killed node's sidecar restarted its Exo, which rejoined the cluster under the new master.
        await cluster.WaitForAllHealthyAsync("every node Healthy after the master change");
        Assert.False(Pids.IsAlive(masterPid));
    }

    /// <summary>The index of the node whose Exo is the master, as the simulated nodes agree on it.</summary>
    private static async Task<int> MasterAsync(ProcessCluster cluster)
    {
        var status = await cluster.WaitForAsync("an Exo master", () => cluster.ExoStatusAsync(0), s => !s.Electing && s.MasterId is not null);
        var nodes = await cluster.Manager.GetNodesAsync();
        var master = nodes.SingleOrDefault(n => n.ExoNodeId == status.MasterId);
        Assert.True(master is not null, $"No node runs the Exo master {status.MasterId}: {string.Join(", ", nodes.Select(n => $"{n.Name}={n.ExoNodeId}"))}");
        return ProcessCluster.IndexOf(master.Name);
    }

    /// <summary>Ids of the ready instances serving <see cref="Model"/> in Exo's state, as node <paramref name="index"/> sees it.</summary>
    private static async Task<IReadOnlyList<string>> InstancesOfAsync(ProcessCluster cluster, int index)
    {
        var state = await cluster.Exo(index).GetStateAsync();
        return state.ModelsServed().Contains(Model)
            ? [.. state.Instances.Where(i => i.Value.ShardAssignments.ModelId == Model).Select(i => i.Key)]
            : [];
    }

    /// <summary>How often the sidecars asked their Exo to place the model (<c>/place_instance</c>), from the silos' logs.</summary>
    private static int PlacementsAsked(ProcessCluster cluster)
        => Enumerable.Range(0, cluster.Count).Sum(i => LogFiles.CountLines(cluster.Silo(i).LogPath, $"Asked Exo to place model {Model}"));
}
