using Deror.Client;
using Deror.PyHost.Interop;
using Microsoft.Extensions.Logging;

namespace Deror.PyHost.Cluster;

/// <summary>
/// The host's one connection to the cluster, opened on first use (settings from <c>DEROR_GATEWAY</c> and
/// <c>DEROR_CLUSTER_ID</c>, else the local cluster) or explicitly with <see cref="ConnectAsync"/>.
/// </summary>
internal sealed partial class ClusterConnection(ILogger<ClusterConnection> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DerorClient? _client;

    public DerorClient? Current => Volatile.Read(ref _client);

    /// <summary>The connected client, connecting with the default settings if no connection is open.</summary>
    public async ValueTask<DerorClient> GetClientAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _client) is { } client)
        {
            return client;
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _client ??= await OpenAsync(new DerorClientSettings(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Connects with <paramref name="settings"/>, replacing an open connection.</summary>
    public async Task ConnectAsync(DerorClientSettings settings, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var client = await OpenAsync(settings, cancellationToken).ConfigureAwait(false);
            var previous = Interlocked.Exchange(ref _client, client);
            if (previous is not null)
            {
                await CloseAsync(previous).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task DisconnectAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Interlocked.Exchange(ref _client, null) is { } client)
            {
                await CloseAsync(client).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private async Task<DerorClient> OpenAsync(DerorClientSettings settings, CancellationToken cancellationToken)
    {
        using var signals = SignalDispositions.Preserve();
        var client = await DerorClient.ConnectAsync(settings, cancellationToken).ConfigureAwait(false);
        LogConnected(string.Join(", ", settings.Gateways.DefaultIfEmpty("(default)")), settings.ClusterId);
        return client;
    }

    private async Task CloseAsync(DerorClient client)
    {
        using var signals = SignalDispositions.Preserve();
        await client.DisposeAsync().ConfigureAwait(false);
        LogDisconnected();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to cluster '{ClusterId}' through {Gateways}")]
    private partial void LogConnected(string gateways, string clusterId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Disconnected from the cluster")]
    private partial void LogDisconnected();
}
