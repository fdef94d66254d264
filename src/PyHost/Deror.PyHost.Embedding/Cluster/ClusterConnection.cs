using Deror.Client;
using Microsoft.Extensions.Logging;

namespace Deror.PyHost.Cluster;

/// <summary>
/// The host's one connection to the cluster, opened on first use (settings from <c>DEROR_GATEWAY</c>,
/// <c>DEROR_CLUSTER_ID</c> and <c>DEROR_TOKEN</c>, else the local cluster) or explicitly with <see cref="ConnectAsync"/>.
/// </summary>
internal sealed partial class ClusterConnection(ILogger<ClusterConnection> logger) : IAsyncDisposable
{
    public const string TokenVariable = "DEROR_TOKEN";

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
            return _client ??= await OpenAsync(new DerorClientSettings(), null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Connects with <paramref name="settings"/> and <paramref name="token"/> (null: <c>DEROR_TOKEN</c>), replacing an open connection.</summary>
    public async Task ConnectAsync(DerorClientSettings settings, string? token, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var client = await OpenAsync(settings, token, cancellationToken).ConfigureAwait(false);
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

    private async Task<DerorClient> OpenAsync(DerorClientSettings settings, string? token, CancellationToken cancellationToken)
    {
        // Without token=, the settings keep their default: DEROR_TOKEN.
        if (token is not null)
        {
            settings.Token = token;
        }
        var client = await DerorClient.ConnectAsync(settings, cancellationToken).ConfigureAwait(false);
        LogConnected(string.Join(", ", settings.Gateways.DefaultIfEmpty("(default)")), settings.ClusterId);
        return client;
    }

    private async Task CloseAsync(DerorClient client)
    {
        await client.DisposeAsync().ConfigureAwait(false);
        LogDisconnected();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to cluster '{ClusterId}' through {Gateways}")]
    private partial void LogConnected(string gateways, string clusterId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Disconnected from the cluster")]
    private partial void LogDisconnected();
}
