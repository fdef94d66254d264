using Deror.Hosting;
using Deror.Runtime.Placement;
using Microsoft.Extensions.DependencyInjection;
using Deror.Runtime.Tests.Grains;
using Deror.TestingHost;

namespace Deror.Runtime.Tests.Clustering;

public sealed class PlacementTests
{
    /// <summary>Silo i declares exo-node = node-i (the test host names its silos silo-0, silo-1, ...).</summary>
    private static Task<InProcessTestCluster> StartWithExoNodesAsync()
        => InProcessTestCluster.StartAsync(o => o.ConfigureSilo(silo => silo.Configure(s => s.Metadata["exo-node"] = s.SiloName.Replace("silo", "node", StringComparison.Ordinal))), silos: 3);

    [Fact]
    public async Task Silo_metadata_placement_puts_a_grain_on_the_silo_serving_its_exo_node()
    {
        await using var cluster = await StartWithExoNodesAsync();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(cluster.Silos[i].SiloAddress.ToString(), await cluster.GrainFactory.GetGrain<INodeAffineGrain>($"node-{i}").Where());
        }
        var error = await Assert.ThrowsAnyAsync<DerorException>(() => cluster.GrainFactory.GetGrain<INodeAffineGrain>("node-9").Where());
        Assert.Contains("exo-node=node-9", error.Message);
    }

    [Fact]
    public async Task Prefer_local_placement_keeps_grains_on_the_calling_silo()
    {
        await using var cluster = await InProcessTestCluster.StartAsync(silos: 3);
        var spawner = cluster.GrainFactory.GetGrain<IHashPlacedGrain>("spawner");
        var home = await spawner.Where();

        await spawner.SpawnLocal("local", 10);

        var places = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => cluster.GrainFactory.GetGrain<IPreferLocalGrain>($"local-{i}").Where()));
        Assert.All(places, place => Assert.Equal(home, place));
    }

    [Fact]
    public async Task Hash_placement_is_the_same_for_a_grain_whichever_silo_places_it()
    {
        await using var first = await InProcessTestCluster.StartAsync(silos: 3);
        var places = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => first.GrainFactory.GetGrain<IHashPlacedGrain>($"h-{i}").Where()));

        Assert.True(places.Distinct().Count() > 1, "hash placement should spread grains");
        foreach (var (place, i) in places.Select((p, i) => (p, i)))
        {
            var ordered = first.Silos.Select(s => s.SiloAddress.ToString()).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(ordered[first.GrainFactory.GetGrain<IHashPlacedGrain>($"h-{i}").GetGrainId().GetUniformHashCode() % (uint)ordered.Length], place);
        }
    }

    [Fact]
    public async Task Resource_optimized_placement_avoids_the_loaded_silo()
    {
        await using var cluster = await StartWithExoNodesAsync();
        var loaded = cluster.GrainFactory.GetGrain<INodeAffineGrain>("node-0");
        await loaded.SpawnLocal("ballast", 200);
        var loadedSilo = SiloAddress.Parse(await loaded.Where());
        // Every silo learns the others' load by polling (every 2 s): wait until all of them know about the ballast.
        await Eventually.Returns(
            () => Task.FromResult(cluster.Silos.All(s => s.Services.GetRequiredService<SiloLoadMonitor>().GetLoad(loadedSilo)?.Activations >= 200)),
            known => known,
            TimeSpan.FromSeconds(20),
            "every silo to know the loaded silo's activation count");

        var places = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => cluster.GrainFactory.GetGrain<IResourcePlacedGrain>($"r-{i}").Where()));

        Assert.DoesNotContain(await loaded.Where(), places);
    }
}

public sealed class StatelessWorkerTests
{
    [Fact]
    public async Task A_stateless_worker_scales_out_locally_up_to_its_limit_and_stays_out_of_the_directory()
    {
        await using var cluster = await InProcessTestCluster.StartAsync(silos: 3);
        var worker = cluster.GrainFactory.GetGrain<IWorkerGrain>("pool");

        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => worker.Work(100)));

        var perSilo = answers.Select(a => a[..a.LastIndexOf('/')]).Zip(answers).GroupBy(p => p.First, p => p.Second).ToArray();
        Assert.True(answers.Distinct().Count() > 1, "busy calls should spread over several workers");
        Assert.All(perSilo, g => Assert.InRange(g.Distinct().Count(), 1, 4));
        var directory = cluster.Primary.Services.GetRequiredService<IGrainDirectory>();
        Assert.Null(await directory.LookupAsync(worker.GetGrainId()));
    }
}
