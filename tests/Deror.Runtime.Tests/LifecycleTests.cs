using Deror.Configuration;
using Deror.Hosting;
using Deror.Runtime.Tests.Grains;
using Deror.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Runtime.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Idle_activations_are_collected_and_the_next_call_reactivates()
    {
        await using var cluster = await StartWithCollectionAgeAsync(TimeSpan.FromMilliseconds(500));
        var key = Guid.NewGuid();
        var grain = cluster.GrainFactory.GetGrain<ILifecycleGrain>(key);

        await grain.Touch();
        await Eventually.Returns(() => Task.FromResult(LifecycleJournal.For(key)), e => e.Count == 2, TimeSpan.FromSeconds(10), "idle collection");
        await grain.Touch();

        Assert.Equal(["activate", "deactivate:ActivationIdle", "activate"], LifecycleJournal.For(key));
    }

    [Fact]
    public async Task Busy_activations_are_not_collected()
    {
        // The touches (every 200 ms for 4 s) outlast the 3 s collection age, with margin for a loaded machine.
        await using var cluster = await StartWithCollectionAgeAsync(TimeSpan.FromSeconds(3));
        var key = Guid.NewGuid();
        var grain = cluster.GrainFactory.GetGrain<ILifecycleGrain>(key);

        for (var i = 0; i < 20; i++)
        {
            await grain.Touch();
            await Task.Delay(200);
        }

        Assert.Equal(["activate"], LifecycleJournal.For(key));
    }

    [Fact]
    public async Task Deactivate_on_idle_runs_on_deactivate_with_the_application_reason()
    {
        await using var cluster = await InProcessTestCluster.StartAsync();
        var key = Guid.NewGuid();
        var grain = cluster.GrainFactory.GetGrain<ILifecycleGrain>(key);

        await grain.DeactivateSoon();
        await Eventually.Returns(() => Task.FromResult(LifecycleJournal.For(key)), e => e.Count == 2, TimeSpan.FromSeconds(5), "deactivation");

        Assert.Equal(["activate", "deactivate:ApplicationRequested"], LifecycleJournal.For(key));
    }

    [Fact]
    public async Task Stopping_a_silo_deactivates_its_grains()
    {
        var cluster = await InProcessTestCluster.StartAsync();
        var key = Guid.NewGuid();
        await cluster.GrainFactory.GetGrain<ILifecycleGrain>(key).Touch();

        await cluster.DisposeAsync();

        Assert.Equal(["activate", "deactivate:ShuttingDown"], LifecycleJournal.For(key));
    }

    [Fact]
    public async Task Timer_ticks_are_turns_that_never_overlap_requests()
    {
        await using var cluster = await InProcessTestCluster.StartAsync();
        var grain = cluster.GrainFactory.GetGrain<ILifecycleGrain>(Guid.NewGuid());

        await grain.StartTimer(30);
        for (var i = 0; i < 20; i++)
        {
            await grain.Touch();
        }
        var stats = await Eventually.Returns(grain.GetTimerStats, s => s.Ticks >= 5, TimeSpan.FromSeconds(10), "timer ticks");
        await grain.StopTimer();
        var stopped = (await grain.GetTimerStats()).Ticks;
        await Task.Delay(200);

        Assert.Equal(1, stats.MaxInside);
        Assert.Equal(stopped, (await grain.GetTimerStats()).Ticks);
    }

    [Fact]
    public async Task Invalid_options_fail_the_silo_start_with_a_message_naming_the_option()
    {
        var error = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            InProcessTestCluster.StartAsync(o => o.ConfigureSilo(silo => silo.Configure(s => s.GatewayPort = 70000))));

        Assert.Contains("GatewayPort", error.Message);
    }

    private static Task<InProcessTestCluster> StartWithCollectionAgeAsync(TimeSpan age)
        => InProcessTestCluster.StartAsync(o => o.ConfigureSilo(silo => silo.Services.Configure<GrainCollectionOptions>(c =>
        {
            c.CollectionAge = age;
            c.CollectionQuantum = TimeSpan.FromMilliseconds(100);
        })));
}
