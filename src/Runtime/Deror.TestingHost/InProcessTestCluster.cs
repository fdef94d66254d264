using Deror.Configuration;
using Deror.Hosting;
using Deror.Runtime.Membership;
using Deror.Runtime.Storage;
using Deror.Runtime.Messaging;
using Deror.Runtime.Networking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Deror.TestingHost;

/// <summary>
/// Silos and a client in one process, talking over real TCP on loopback, like Orleans's TestCluster. Silos can
/// be stopped, restarted (same configuration, new generation) and added; the client connects to every gateway.
/// </summary>
public sealed class InProcessTestCluster : IAsyncDisposable
{
    private readonly TestClusterOptions _options;
    private readonly List<InProcessSiloHandle> _silos = [];
    private readonly InMemoryClusterStore _clusterStore = new();
    private IHost? _clientHost;

    private InProcessTestCluster(TestClusterOptions options)
    {
        _options = options;
    }

    public IReadOnlyList<InProcessSiloHandle> Silos => _silos;

    public InProcessSiloHandle Primary => _silos[0];

    public IClusterClient Client => _clientHost?.Services.GetRequiredService<IClusterClient>()
        ?? throw new InvalidOperationException("The cluster has no client yet.");

    public IGrainFactory GrainFactory => Client;

    public static async Task<InProcessTestCluster> StartAsync(Action<TestClusterOptions>? configure = null, int silos = 1)
    {
        var options = new TestClusterOptions();
        configure?.Invoke(options);
        var cluster = new InProcessTestCluster(options);
        try
        {
            for (var i = 0; i < silos; i++)
            {
                await cluster.StartSiloAsync().ConfigureAwait(false);
            }
            await cluster.WaitForMembershipAsync().ConfigureAwait(false);
            await cluster.StartClientAsync().ConfigureAwait(false);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return cluster;
    }

    public Task<InProcessSiloHandle> StartSiloAsync() => StartSiloAsync(siloPort: 0, gatewayPort: 0);

    private async Task<InProcessSiloHandle> StartSiloAsync(int siloPort, int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Captured now: option callbacks run lazily, possibly more than once.
        var siloName = $"silo-{_silos.Count}";
        builder.UseDeror(silo =>
        {
            silo.Configure(o =>
            {
                o.ClusterId = _options.ClusterId;
                o.SiloName = siloName;
                o.AdvertisedIPAddress = "127.0.0.1";
                // Port 0: each silo binds its listeners on free ports itself (no port chosen here and bound later).
                o.SiloPort = siloPort;
                o.GatewayPort = gatewayPort;
            });
            // A real cluster even in one process: membership and directory in a store shared by this cluster's silos.
            silo.UseInMemoryClustering(_clusterStore);
            foreach (var configure in _options.SiloConfigurations)
            {
                configure(silo);
            }
        });
        builder.Services.Configure<ClusterMembershipOptions>(o =>
        {
            // Fast detection keeps fault tests short; loopback in one process makes probes cheap.
            o.ProbeInterval = TimeSpan.FromMilliseconds(250);
            o.ProbeTimeout = TimeSpan.FromMilliseconds(500);
            o.TableRefreshInterval = TimeSpan.FromMilliseconds(250);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            await StopFailedHostAsync(host).ConfigureAwait(false);
            throw;
        }
        var handle = new InProcessSiloHandle(
            host,
            host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress,
            host.Services.GetRequiredService<Gateway>().Endpoint);
        _silos.Add(handle);
        return handle;
    }

    /// <summary>
    /// Stops what did start of a silo that failed to start (its listeners, membership), so it leaves nothing running.
    /// A failure to stop is not reported: the start failure is the error that matters, and stopping a host that
    /// failed before its services were built can throw on its own.
    /// </summary>
    private static async Task StopFailedHostAsync(IHost host)
    {
        try
        {
            await host.StopAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // See above: the caller rethrows the start failure.
        }
        host.Dispose();
    }

    /// <summary>Waits until every running silo sees exactly the running silos as active.</summary>
    public async Task WaitForMembershipAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var running = _silos.Where(s => s.IsRunning).Select(s => s.SiloAddress).ToHashSet();
            var converged = _silos.Where(s => s.IsRunning).All(s =>
                s.Services.GetRequiredService<ClusterMembershipView>().ActiveSilos.Select(e => e.SiloAddress).ToHashSet().SetEquals(running));
            if (converged)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Membership did not converge on {running.Count} active silo(s).");
            }
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>Stops a silo gracefully: activations deactivate, state is saved, the gateway closes.</summary>
    public async Task StopSiloAsync(InProcessSiloHandle silo)
    {
        if (!silo.IsRunning)
        {
            return;
        }
        silo.IsRunning = false;
        await silo.Host.StopAsync().ConfigureAwait(false);
        silo.Host.Dispose();
    }

    /// <summary>
    /// Stops a silo and starts a new one with the same configuration on the same ports: a new generation of the
    /// same endpoint, with the same stores.
    /// </summary>
    public async Task<InProcessSiloHandle> RestartSiloAsync(InProcessSiloHandle silo)
    {
        await StopSiloAsync(silo).ConfigureAwait(false);
        _silos.Remove(silo);
        var restarted = await StartSiloAsync(silo.SiloAddress.Endpoint.Port, silo.GatewayEndpoint.Port).ConfigureAwait(false);
        await RestartClientAsync().ConfigureAwait(false);
        return restarted;
    }

    /// <summary>Replaces the client with one that knows the current gateways.</summary>
    public async Task RestartClientAsync()
    {
        await StopClientAsync().ConfigureAwait(false);
        await StartClientAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopClientAsync().ConfigureAwait(false);
        foreach (var silo in _silos.ToArray())
        {
            await StopSiloAsync(silo).ConfigureAwait(false);
        }
    }

    private async Task StartClientAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDerorClient(o =>
        {
            o.ClusterId = _options.ClusterId;
            foreach (var silo in _silos.Where(s => s.IsRunning))
            {
                o.Gateways.Add(silo.GatewayEndpoint.ToString());
            }
        });
        foreach (var configure in _options.ClientConfigurations)
        {
            configure(builder.Services);
        }
        var host = builder.Build();
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        _clientHost = host;
    }

    private async Task StopClientAsync()
    {
        if (_clientHost is { } host)
        {
            _clientHost = null;
            await host.StopAsync().ConfigureAwait(false);
            host.Dispose();
        }
    }
}
