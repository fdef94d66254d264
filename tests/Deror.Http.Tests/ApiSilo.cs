using System.Net.Http.Headers;
using Deror.Client;
using Deror.Configuration;
using Deror.Grains;
using Deror.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Deror.Http.Tests;

/// <summary>
/// A real silo serving the real HTTP surface on a free loopback port: domain grains on in-memory providers, fast job
/// polling and a fast cluster policy. Fake sidecars (<see cref="FakeSidecar"/>) play the nodes.
/// </summary>
public sealed class ApiSilo : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<FakeSidecar> _sidecars = [];

    private ApiSilo(WebApplication app, string clusterId)
    {
        _app = app;
        BaseAddress = new Uri(app.Urls.Single());
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Grains = app.Services.GetRequiredService<IGrainFactory>();
        Manager = new ClusterManager(Grains, clusterId);
    }

    /// <summary>Heartbeat timeouts short enough for tests, long enough that a busy machine does not trip them.</summary>
    public static ClusterPolicy FastPolicy { get; } = new()
    {
        HeartbeatTimeout = TimeSpan.FromSeconds(3),
        DeadAfter = TimeSpan.FromSeconds(6),
        RestartExoAfter = TimeSpan.FromSeconds(3),
        PlacementRetryInterval = TimeSpan.FromMilliseconds(500),
    };

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IGrainFactory Grains { get; }

    public ClusterManager Manager { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a silo; <paramref name="settings"/> add or override configuration (e.g. <c>Deror:Http:Token</c>, <c>OTEL_*</c>).</summary>
    public static async Task<ApiSilo> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var clusterId = $"http-{Guid.NewGuid():N}"[..13];
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
        // Only what the test says configures the silo, whatever the developer's shell exports.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Deror:ClusterId"] = clusterId,
            ["Deror:SiloName"] = "api-silo",
            ["Deror:SiloPort"] = "0",
            ["Deror:GatewayPort"] = "0",
            ["Deror:Http:Port"] = "0",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Warning).AddSimpleConsole();
        builder.UseDeror(silo => silo
            .UseInMemoryClustering()
            .AddMemoryGrainStorage()
            .UseInMemoryReminderService()
            .UseInMemoryDurableJobs()
            .UseInMemoryEventLog()
            .AddDerorDomain()
            .Services.Configure<DurableJobOptions>(jobs => jobs.PollInterval = TimeSpan.FromMilliseconds(50)));
        builder.Services.AddDerorHttp(builder.Configuration);
        var app = builder.Build();
        app.MapDerorApi();
        await app.StartAsync();
        var silo = new ApiSilo(app, clusterId);
        await silo.Manager.SetPolicyAsync(FastPolicy);
        return silo;
    }

    /// <summary>Starts a sidecar heartbeating for <paramref name="node"/> and waits until the cluster lists it Healthy.</summary>
    public async Task<FakeSidecar> AddHealthyNodeAsync(string node)
    {
        var sidecar = new FakeSidecar(Grains, node).Start();
        _sidecars.Add(sidecar);
        await Eventually.Until(Manager.GetNodesAsync, nodes => nodes.Any(n => n.Name == node && n.Status == NodeStatus.Healthy), $"node {node} is Healthy");
        return sidecar;
    }

    /// <summary>A client that sends <paramref name="token"/> as its bearer token.</summary>
    public HttpClient ClientWithToken(string token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Stops the host (flushing OTLP exports) before the sidecars go, so nodes are not declared lost mid-test.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var sidecar in _sidecars)
        {
            await sidecar.DisposeAsync();
        }
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
