using Deror.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Deror.Client;

/// <summary>
/// A connected cluster client without a host of your own, for scripts and tools:
/// <c>await using var client = await DerorClient.ConnectAsync();</c> then <c>client.GetGrain&lt;IHelloGrain&gt;("world")</c>.
/// Disposing it disconnects.
/// </summary>
public sealed class DerorClient : IGrainFactory, IAsyncDisposable
{
    private readonly IHost _host;

    private DerorClient(IHost host)
    {
        _host = host;
        Cluster = host.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>The underlying cluster client, for APIs that take an <see cref="IClusterClient"/>.</summary>
    public IClusterClient Cluster { get; }

    /// <summary>Connects to the gateway at <paramref name="gateway"/> (<c>host:port</c>).</summary>
    public static Task<DerorClient> ConnectAsync(string gateway, string? clusterId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(gateway);
        var settings = new DerorClientSettings { Gateways = { gateway } };
        if (clusterId is not null)
        {
            settings.ClusterId = clusterId;
        }
        return ConnectAsync(settings, cancellationToken);
    }

    /// <summary>Connects with <paramref name="settings"/>, or the defaults (environment, then the local silo).</summary>
    public static async Task<DerorClient> ConnectAsync(DerorClientSettings? settings = null, CancellationToken cancellationToken = default)
    {
        settings ??= new DerorClientSettings();
        var gateways = settings.Gateways.Count > 0 ? [.. settings.Gateways] : DerorClientDefaults.Gateways();
        // No configuration sources or log providers: everything comes from the settings, and failures surface as exceptions.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<IHostLifetime, EmbeddedClientLifetime>();
        builder.Services.AddDerorClient(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.Gateways.AddRange(gateways);
            o.InitialConnectTimeout = settings.ConnectTimeout;
            o.Token = settings.Token;
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new DerorClient(host);
    }

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey) where TGrainInterface : IGrainWithStringKey => Cluster.GetGrain<TGrainInterface>(primaryKey);

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey) where TGrainInterface : IGrainWithGuidKey => Cluster.GetGrain<TGrainInterface>(primaryKey);

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey) where TGrainInterface : IGrainWithIntegerKey => Cluster.GetGrain<TGrainInterface>(primaryKey);

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId) where TGrainInterface : IAddressable => Cluster.GetGrain<TGrainInterface>(grainId);

    public IAddressable GetGrain(Type grainInterface, GrainId grainId) => Cluster.GetGrain(grainInterface, grainId);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
