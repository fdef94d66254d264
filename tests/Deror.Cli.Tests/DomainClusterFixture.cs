using Deror.Client;
using Deror.Configuration;
using Deror.Grains;
using Deror.Hosting;
using Deror.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Cli.Tests;

/// <summary>
/// One silo hosting the domain grains (in-memory providers) with one node, <c>node-1</c>, whose sidecar runs process
/// tasks for real; the CLI connects to its gateway like to any cluster. The gateway requires <see cref="Token"/>.
/// </summary>
public sealed class DomainClusterFixture : IAsyncLifetime
{
    public const string NodeName = "node-1";

    public const string Token = "fixture-token-0123456789";

    private InProcessTestCluster? _cluster;
    private ProcessSidecar? _sidecar;

    public string ClusterId { get; private set; } = "";

    public string Gateway => _cluster!.Primary.GatewayEndpoint.ToString();

    public ClusterManager Manager { get; private set; } = null!;

    /// <summary><c>deror</c> arguments that reach this cluster (with its token), followed by <paramref name="args"/>.</summary>
    public string[] Args(params string[] args) => ["--token", Token, .. ArgsWithoutToken(args)];

    public string[] ArgsWithoutToken(params string[] args) => ["--gateway", Gateway, "--cluster", ClusterId, .. args];

    public Task<CliResult> RunAsync(params string[] args) => DerorProcess.RunAsync(Args(args));

    public async Task InitializeAsync()
    {
        _cluster = await InProcessTestCluster.StartAsync(o =>
        {
            ClusterId = o.ClusterId;
            o.ConfigureClient(client => client.Configure<ClientOptions>(c => c.Token = Token));
            o.ConfigureSilo(silo => silo
                .AddMemoryGrainStorage()
                .UseInMemoryReminderService()
                .UseInMemoryDurableJobs()
                .UseInMemoryEventLog()
                .AddDerorDomain()
                .Services.Configure<DurableJobOptions>(jobs => jobs.PollInterval = TimeSpan.FromMilliseconds(50))
                .Configure<GatewayOptions>(gateway => gateway.Token = Token));
        });
        Manager = new ClusterManager(_cluster.GrainFactory, ClusterId);
        _sidecar = new ProcessSidecar(_cluster.GrainFactory, NodeName);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await Manager.GetNodesAsync()).All(n => n.Status != NodeStatus.Healthy))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{NodeName} did not become Healthy");
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
