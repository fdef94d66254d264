using Deror.Runtime.Membership;
using Deror.Runtime.Tests.Grains;
using Deror.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Runtime.Tests.Clustering;

/// <summary>A silo restarted on its own ports is a new member: a newer generation of the same endpoint.</summary>
public sealed class SiloRestartTests
{
    [Fact]
    public async Task A_silo_restarted_at_once_on_the_same_ports_joins_as_a_newer_generation()
    {
        await using var cluster = await InProcessTestCluster.StartAsync(silos: 2);
        var old = cluster.Silos[1];

        // Stop and start take milliseconds, well within one second: generations must still differ.
        var restarted = await cluster.RestartSiloAsync(old);
        await cluster.WaitForMembershipAsync();

        Assert.Equal(old.SiloAddress.Endpoint, restarted.SiloAddress.Endpoint);
        Assert.Equal(old.GatewayEndpoint, restarted.GatewayEndpoint);
        Assert.True(restarted.SiloAddress.Generation > old.SiloAddress.Generation, $"{restarted.SiloAddress} is not newer than {old.SiloAddress}");
        var view = cluster.Primary.Services.GetRequiredService<ClusterMembershipView>();
        Assert.Equal(SiloStatus.Dead, view.GetStatus(old.SiloAddress));
        Assert.Equal(SiloStatus.Active, view.GetStatus(restarted.SiloAddress));
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => cluster.GrainFactory.GetGrain<ICallGrain>($"restart-{i}-{Guid.NewGuid():N}").Echo("hi")));
        Assert.All(answers, a => Assert.Equal("hi", a));
    }

    [Fact]
    public async Task A_silo_whose_clock_went_back_cannot_join_as_an_older_generation_of_its_endpoint()
    {
        var clockBehind = false;
        await using var cluster = await InProcessTestCluster.StartAsync(
            o => o.ConfigureSilo(silo => silo.Services.AddSingleton<TimeProvider>(clockBehind ? new ShiftedClock(TimeSpan.FromHours(-1)) : TimeProvider.System)),
            silos: 2);
        var old = cluster.Silos[1];

        clockBehind = true;
        var error = await Assert.ThrowsAsync<DerorException>(() => cluster.RestartSiloAsync(old));

        Assert.Contains($"already has generation {old.SiloAddress.Generation}", error.Message, StringComparison.Ordinal);
        Assert.Contains("clock", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The system clock, shifted: what a silo sees after its machine's clock was set back.</summary>
    private sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
    }
}
