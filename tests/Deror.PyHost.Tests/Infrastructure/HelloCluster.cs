using Deror.Grains;
using Deror.Hosting;
using Deror.TestingHost;

namespace Deror.PyHost.Tests.Infrastructure;

/// <summary>
/// A real silo (in-process test cluster, loopback TCP gateway) hosting the sample <see cref="IHelloGrain"/>; deror-py
/// processes reach it through <see cref="Environment"/>.
/// </summary>
public sealed class HelloCluster : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not started.");

    public string Gateway => Cluster.Primary.GatewayEndpoint.ToString();

    /// <summary>DEROR_GATEWAY and DEROR_CLUSTER_ID for a deror-py process.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["DEROR_GATEWAY"] = Gateway,
        ["DEROR_CLUSTER_ID"] = ClusterId,
    };

    public string ClusterId { get; } = $"pyhost-{Guid.NewGuid():N}"[..15];

    public async Task InitializeAsync()
        => _cluster = await InProcessTestCluster.StartAsync(options =>
        {
            options.ClusterId = ClusterId;
            options.ConfigureSilo(silo => silo.AddGrainAssembly(typeof(HelloGrain).Assembly).AddMemoryGrainStorage());
        });

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
