using Microsoft.Extensions.DependencyInjection;
using Deror.Runtime.Tests.Grains;

namespace Deror.Runtime.Tests;

public sealed class GrainCallTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private ICallGrain NewGrain() => fixture.Grains.GetGrain<ICallGrain>(Guid.NewGuid().ToString());

    [Fact]
    public async Task Arguments_and_results_round_trip()
    {
        var grain = NewGrain();
        var payload = new Payload("deror", [1, 2, 3], new() { ["a"] = 0.5 }, DateTimeOffset.UnixEpoch.AddDays(1), Guid.NewGuid());

        Assert.Equal("héllo ☃", await grain.Echo("héllo ☃"));
        Assert.Equal(42, await grain.Add(40, 2));
        var result = await grain.Transform(payload);

        Assert.Equal("DEROR", result.Name);
        Assert.Equal([1, 2, 3, 6], result.Values);
        Assert.Equal(0.5, result.Weights["a"]);
        Assert.Equal(payload.At, result.At);
        Assert.Equal(payload.Id, result.Id);
        Assert.Equal([1, 2, 3], payload.Values);
    }

    [Fact]
    public async Task Grains_are_addressed_by_string_guid_and_integer_keys()
    {
        var guid = Guid.NewGuid();

        Assert.Equal(-42L, await fixture.Grains.GetGrain<IIntegerKeyGrain>(-42).GetKey());
        Assert.Equal(long.MaxValue, await fixture.Grains.GetGrain<IIntegerKeyGrain>(long.MaxValue).GetKey());
        Assert.Equal(guid, fixture.Grains.GetGrain<ILifecycleGrain>(guid).GetPrimaryKey());
        Assert.Equal("k/with/slashes", fixture.Grains.GetGrain<ICallGrain>("k/with/slashes").GetPrimaryKeyString());
        Assert.Equal("slashes", await fixture.Grains.GetGrain<ICallGrain>("k/with/slashes").Echo("slashes"));
    }

    [Fact]
    public async Task Exceptions_keep_their_type_and_message()
    {
        var grain = NewGrain();

        var builtIn = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Throw("boom"));
        var custom = await Assert.ThrowsAsync<CustomGrainException>(() => grain.ThrowCustom("custom boom", 7));

        Assert.Equal("boom", builtIn.Message);
        Assert.Equal("custom boom", custom.Message);
    }

    [Fact]
    public async Task Exceptions_cross_grain_to_grain_calls()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => NewGrain().ThrowThrough(NewGrain(), "deep"));

        Assert.Equal("deep", error.Message);
    }

    [Fact]
    public async Task Grain_references_can_be_returned_and_passed_as_arguments()
    {
        var grain = NewGrain();
        var key = Guid.NewGuid().ToString();

        var peer = await grain.GetPeer(key);
        var echoed = await grain.EchoThrough(peer, "via peer");

        Assert.Equal(key, peer.GetPrimaryKeyString());
        Assert.Equal("direct", await peer.Echo("direct"));
        Assert.Equal("via peer", echoed);
    }

    [Fact]
    public async Task One_way_calls_return_before_the_grain_finishes_and_hide_failures()
    {
        var grain = NewGrain();

        await grain.ThrowOneWay();
        await grain.BlockOneWay();
        var queuedBehindBlockedCall = grain.GetValue();
        await Task.Delay(200);
        Assert.False(queuedBehindBlockedCall.IsCompleted);
        await grain.Release();

        Assert.Equal("released", await queuedBehindBlockedCall);
    }

    [Fact]
    public async Task A_method_with_a_response_timeout_fails_with_a_timeout_exception()
    {
        var started = DateTime.UtcNow;

        var error = await Assert.ThrowsAsync<TimeoutException>(() => NewGrain().SlowWithShortTimeout(5000));

        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(4));
        Assert.Contains("SlowWithShortTimeout", error.Message);
    }

    [Fact]
    public async Task A_non_reentrant_call_cycle_deadlocks_and_surfaces_as_a_timeout()
    {
        await using var cluster = await TestingHost.InProcessTestCluster.StartAsync(o => o
            .ConfigureSilo(silo => silo.Services.Configure<Configuration.MessagingOptions>(m => m.ResponseTimeout = TimeSpan.FromSeconds(1)))
            .ConfigureClient(client => client.Configure<Configuration.MessagingOptions>(m => m.ResponseTimeout = TimeSpan.FromSeconds(3))));
        var a = cluster.GrainFactory.GetGrain<ICallGrain>("a");
        var b = cluster.GrainFactory.GetGrain<ICallGrain>("b");

        await Assert.ThrowsAsync<TimeoutException>(() => a.CallInCycle(b));
    }

    [Fact]
    public async Task A_grain_that_asks_to_be_deactivated_gets_a_fresh_activation()
    {
        var grain = NewGrain();
        var first = await grain.GetActivationId();

        await grain.Deactivate();
        var second = await grain.GetActivationId();

        Assert.NotEqual(first, second);
        Assert.Equal(second, await grain.GetActivationId());
    }

    [Fact]
    public async Task Calling_an_interface_no_grain_class_implements_fails_clearly()
    {
        var error = Assert.Throws<ArgumentException>(() => fixture.Grains.GetGrain<INotImplementedGrain>("x"));

        Assert.Contains(nameof(INotImplementedGrain), error.Message);
    }
}

public interface INotImplementedGrain : IGrainWithStringKey
{
    Task Nothing();
}
