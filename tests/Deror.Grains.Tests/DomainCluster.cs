using Deror.Client;
using Deror.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Deror.Grains;
using Deror.Hosting;
using Deror.TestingHost;

namespace Deror.Grains.Tests;

/// <summary>A one-silo cluster hosting the domain grains on in-memory providers, with fast job polling and a fast policy.</summary>
public sealed class DomainCluster : IAsyncDisposable
{
    private DomainCluster(InProcessTestCluster cluster, string clusterId)
    {
        Cluster = cluster;
        Manager = new ClusterManager(cluster.GrainFactory, clusterId);
    }

    public InProcessTestCluster Cluster { get; }

    public ClusterManager Manager { get; }

    public IGrainFactory Grains => Cluster.GrainFactory;

    /// <summary>Heartbeat timeouts short enough for tests; long enough that a busy machine does not trip them.</summary>
    public static ClusterPolicy FastPolicy { get; } = new()
    {
        HeartbeatTimeout = TimeSpan.FromSeconds(2),
        DeadAfter = TimeSpan.FromSeconds(4),
        RestartExoAfter = TimeSpan.FromSeconds(2),
        PlacementRetryInterval = TimeSpan.FromMilliseconds(500),
    };

    /// <summary>How long before its time a deferred start is staged on a node: short, so tests see both sides of it.</summary>
    public static TimeSpan StageAhead { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Starts the cluster on in-memory providers, or on the SQLite file at <paramref name="sqlitePath"/> so it survives silo restarts.</summary>
    public static async Task<DomainCluster> StartAsync(string? sqlitePath = null)
    {
        string clusterId = "";
        var cluster = await InProcessTestCluster.StartAsync(o =>
        {
            clusterId = o.ClusterId;
            o.ConfigureSilo(silo => (sqlitePath is null
                    ? silo.AddMemoryGrainStorage().UseInMemoryReminderService().UseInMemoryDurableJobs().UseInMemoryEventLog()
                    : silo.UseSqliteStorage(sqlitePath))
                .AddDerorDomain()
                .Services.Configure<DurableJobOptions>(jobs => jobs.PollInterval = TimeSpan.FromMilliseconds(50))
                .Configure<TaskSchedulingOptions>(tasks => tasks.StageAhead = StageAhead));
        });
        var domain = new DomainCluster(cluster, clusterId);
        await domain.Manager.SetPolicyAsync(FastPolicy);
        return domain;
    }

    public TestSidecar Sidecar(string node, double cpuCores = 4, long memoryBytes = 8L << 30) => new(Grains, node, cpuCores, memoryBytes);

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
