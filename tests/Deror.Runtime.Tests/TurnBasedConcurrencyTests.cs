using Deror.Runtime.Tests.Grains;

namespace Deror.Runtime.Tests;

public sealed class TurnBasedConcurrencyTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Requests_to_a_non_reentrant_grain_never_interleave()
    {
        var grain = fixture.Grains.GetGrain<IConcurrencyProbeGrain>(Guid.NewGuid().ToString());

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => grain.Work(30)));

        var stats = await grain.GetStats();
        Assert.Equal(8, stats.Completed);
        Assert.Equal(1, stats.MaxInside);
        Assert.Equal(1, stats.MaxParallelThreads);
    }

    [Fact]
    public async Task Requests_to_a_reentrant_grain_interleave_at_awaits_but_never_run_in_parallel()
    {
        var grain = fixture.Grains.GetGrain<IReentrantProbeGrain>(Guid.NewGuid().ToString());

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => grain.Work(200)));

        var stats = await grain.GetStats();
        Assert.Equal(8, stats.Completed);
        Assert.True(stats.MaxInside > 1, $"expected interleaving, saw at most {stats.MaxInside} request(s) inside");
        Assert.Equal(1, stats.MaxParallelThreads);
    }

    [Fact]
    public async Task Read_only_requests_interleave_with_each_other()
    {
        var grain = fixture.Grains.GetGrain<IConcurrencyProbeGrain>(Guid.NewGuid().ToString());

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => grain.ReadOnlyWork(200)));

        var stats = await grain.GetStats();
        Assert.True(stats.MaxInside > 1, $"expected read-only requests to interleave, saw at most {stats.MaxInside}");
        Assert.Equal(1, stats.MaxParallelThreads);
    }

    [Fact]
    public async Task A_read_only_request_waits_for_a_running_writer()
    {
        var grain = fixture.Grains.GetGrain<IConcurrencyProbeGrain>(Guid.NewGuid().ToString());

        await Task.WhenAll(grain.Work(150), grain.ReadOnlyWork(10), grain.Work(10));

        Assert.Equal(1, (await grain.GetStats()).MaxInside);
    }

    [Fact]
    public async Task An_always_interleave_request_runs_while_a_non_reentrant_request_is_awaiting()
    {
        var grain = fixture.Grains.GetGrain<IConcurrencyProbeGrain>(Guid.NewGuid().ToString());
        var work = grain.Work(1000);

        var inside = await Eventually.Returns(grain.InterleavingPeek, n => n == 1, TimeSpan.FromSeconds(5), "the peek to see the running request");
        await work;

        Assert.Equal(1, inside);
        Assert.True((await grain.GetStats()).PeekSawWorkInside);
    }

    [Fact]
    public async Task Calls_from_one_caller_are_delivered_in_order()
    {
        var grain = fixture.Grains.GetGrain<ICallGrain>(Guid.NewGuid().ToString());

        await grain.SetValueOneWay("first");
        await grain.SetValueOneWay("second");

        Assert.Equal("second", await grain.GetValue());
    }
}
