using Deror.Hosting;
using Deror.TestingHost;

namespace Deror.PyHost.Tests.Infrastructure;

/// <summary>A real silo hosting Deror's domain grains (cluster, node, task) on in-memory stores; no Exo nodes or sidecars.</summary>
public sealed class DomainCluster : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public string ClusterId { get; } = $"pydomain-{Guid.NewGuid():N}"[..17];

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["DEROR_GATEWAY"] = _cluster!.Primary.GatewayEndpoint.ToString(),
        ["DEROR_CLUSTER_ID"] = ClusterId,
    };

    public async Task InitializeAsync()
        => _cluster = await InProcessTestCluster.StartAsync(options =>
        {
            options.ClusterId = ClusterId;
            options.ConfigureSilo(silo => silo
                .AddMemoryGrainStorage()
                .UseInMemoryReminderService()
                .UseInMemoryDurableJobs()
                .UseInMemoryEventLog()
                .AddDerorDomain());
        });

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
