using Deror.Hosting;
using Deror.Runtime.Catalog;
using Deror.Runtime.Membership;
using Deror.Runtime.Ring;
using Deror.Runtime.Tests.Grains;
using Deror.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Runtime.Tests.Clustering;

/// <summary>Several silos in one process forming one cluster over loopback TCP with a shared store.</summary>
public sealed class MultiSiloTests : IDisposable
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"deror-cluster-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Three_silos_see_each_other_as_active()
    {
        await using var cluster = await InProcessTestCluster.StartAsync(silos: 3);

        foreach (var silo in cluster.Silos)
        {
            var view = silo.Services.GetRequiredService<ClusterMembershipView>();
            Assert.Equal(cluster.Silos.Select(s => s.SiloAddress).ToHashSet(), view.ActiveSilos.Select(e => e.SiloAddress).ToHashSet());
        }
    }

    [Fact]
    public async Task Concurrent_first_calls_through_every_gateway_create_exactly_one_activation_per_grain()
    {
        await using var cluster = await InProcessTestCluster.StartAsync(silos: 3);
        var keys = Enumerable.Range(0, 30).Select(i => $"single-{i}-{Guid.NewGuid():N}").ToArray();

        // The client spreads calls over the three gateways, so first calls for one grain race on different silos.
        var answers = await Task.WhenAll(keys.SelectMany(key => Enumerable.Range(0, 12).Select(async _ =>
            (key, activation: await cluster.GrainFactory.GetGrain<ICallGrain>(key).GetActivationId()))));

        foreach (var group in answers.GroupBy(a => a.key))
        {
            Assert.Single(group.Select(a => a.activation).Distinct());
        }
        var hosting = keys.Select(key => cluster.Silos.Count(s => s.Services.GetRequiredService<Catalog.Catalog>().TryGetActivation(
            cluster.GrainFactory.GetGrain<ICallGrain>(key).GetGrainId(), out _))).ToArray();
        Assert.All(hosting, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task Grains_are_spread_over_the_silos_and_call_each_other_across_them()
    {
        await using var cluster = await InProcessTestCluster.StartAsync(silos: 3);
        var grains = Enumerable.Range(0, 60).Select(i => cluster.GrainFactory.GetGrain<ICallGrain>($"spread-{i}-{Guid.NewGuid():N}")).ToArray();

        var echoes = await Task.WhenAll(grains.Select((g, i) => g.EchoThrough(grains[(i + 1) % grains.Length], $"hop {i}")));

        Assert.Equal(grains.Select((_, i) => $"hop {i}"), echoes);
        Assert.All(cluster.Silos, s => Assert.True(s.Services.GetRequiredService<Catalog.Catalog>().Count > 0, $"silo {s} hosts no grain"));
    }

    [Fact]
    public async Task When_a_silo_leaves_its_grains_reactivate_on_the_others_with_their_state()
    {
        await using var cluster = await InProcessTestCluster.StartAsync(o => o.ConfigureSilo(s => s.UseSqliteStorage(_databasePath)), silos: 3);
        var counters = Enumerable.Range(0, 24).Select(i => cluster.GrainFactory.GetGrain<ICounterGrain>($"counter-{i}")).ToArray();
        Assert.All(await Task.WhenAll(counters.Select(c => c.Increment())), v => Assert.Equal(1, v));
        var leaving = cluster.Silos[0];
        Assert.True(leaving.Services.GetRequiredService<Catalog.Catalog>().Count > 0);

        await cluster.StopSiloAsync(leaving);
        await cluster.WaitForMembershipAsync();

        var values = await Eventually.Returns(
            async () => await Task.WhenAll(counters.Select(async c => { try { return await c.Increment(); } catch (DerorMessageDeliveryException) { return -1; } })),
            v => v.All(x => x >= 2),
            TimeSpan.FromSeconds(15),
            "every counter to answer from a surviving silo");
        Assert.All(values, v => Assert.Equal(2, v));
    }

    [Fact]
    public async Task Every_hash_has_exactly_one_owner_before_and_after_a_silo_leaves()
    {
        await using var cluster = await InProcessTestCluster.StartAsync(o => o.ConfigureSilo(s => s.UseInMemoryReminderService()), silos: 3);
        AssertSingleOwner(cluster);

        await cluster.StopSiloAsync(cluster.Silos[1]);
        await cluster.WaitForMembershipAsync();

        AssertSingleOwner(cluster);
    }

    private static void AssertSingleOwner(InProcessTestCluster cluster)
    {
        var owners = cluster.Silos.Where(s => s.IsRunning).Select(s => s.Services.GetRequiredService<IRangeOwnership>()).ToArray();
        var random = new Random(42);
        for (var i = 0; i < 5000; i++)
        {
            var hash = (uint)random.NextInt64(0, uint.MaxValue + 1L);
            Assert.Equal(1, owners.Count(o => o.Owns(hash)));
            Assert.Equal(1, owners.Count(o => o.GetMyRanges().Any(r => RingRange.Contains(r.Begin, r.End, hash))));
        }
    }
}
