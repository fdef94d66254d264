using Deror.Grains;

namespace Deror.Grains.Tests;

/// <summary>Tasks on the embedded SQLite store across a silo restart.</summary>
public sealed class DurabilityTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("deror-grains-").FullName;
    private DomainCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await DomainCluster.StartAsync(Path.Combine(_directory, "deror.db"));

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_deferred_start_fires_on_time_after_the_silo_restarts()
    {
        var before = _cluster.Sidecar("n1").Start();
        await Eventually.Until(() => _cluster.Manager.GetNodesAsync(), n => n.Any(x => x.Status == NodeStatus.Healthy), "the node is healthy");
        // Long enough for a silo restart on a loaded 2-core CI machine, so the job really fires on the new silo.
        var runAt = DateTimeOffset.UtcNow.AddSeconds(8);
        var id = (await _cluster.Manager.SubmitAsync(TaskSpecs.Handler("after-restart", "noop") with { RunAt = runAt })).Id;
        await before.DisposeAsync();

        await _cluster.Cluster.RestartSiloAsync(_cluster.Cluster.Primary);
        var manager = new Client.ClusterManager(_cluster.Grains, _cluster.Manager.ClusterId);
        await using var after = new TestSidecar(_cluster.Grains, "n1", 4, 8L << 30).Start();
        Assert.True(DateTimeOffset.UtcNow < runAt - DomainCluster.StageAhead, "the restart took longer than the deferral; the test proves nothing");

        var info = await manager.GetTask(id).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(TaskState.Completed, info.State);
        Assert.True(info.StartedAt >= runAt, $"started early: {info.StartedAt:O} < {runAt:O}");
        Assert.True(info.StartedAt - runAt < TimeSpan.FromSeconds(3), $"started late: {info.StartedAt:O} for {runAt:O}");
    }
}
