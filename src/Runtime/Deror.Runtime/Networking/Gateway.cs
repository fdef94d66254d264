using System.Net;
using Deror.Configuration;
using Deror.Hosting;
using Deror.Messaging;
using Deror.Networking;
using Deror.Runtime.Catalog;
using Deror.Runtime.Messaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Runtime.Networking;

/// <summary>
/// Accepts client connections and bridges them to the silo: requests go to the message center (stamped with the
/// connection's client id, never trusting what the client claims), responses go back on the same connection.
/// A broken or misbehaving connection is closed by the transport; the gateway only forgets its client.
/// </summary>
internal sealed partial class Gateway(
    ILocalSiloDetails silo,
    PreboundSockets sockets,
    IOptions<Configuration.MessagingOptions> messagingOptions,
    GrainTypeManifest manifest,
    MessageCenter messageCenter,
    MessageSerializer serializer,
    ILogger<Gateway> logger) : ISiloLifecycleParticipant, IMessageHandler
{
    private ConnectionListener? _listener;

    public int Stage => SiloLifecycleStage.Gateway;

    /// <summary>The bound endpoint (with the real port when the gateway port is 0). Valid once started.</summary>
    public IPEndPoint Endpoint => _listener?.LocalEndPoint ?? throw new InvalidOperationException("The gateway has not started.");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var handshake = Handshake.ForSilo(silo.SiloAddress, ManifestMetadata.Create(silo.ClusterId, manifest.GetInterfaceMap()));
        _listener = new ConnectionListener(sockets.TakeOrBind(silo.GatewayEndpoint), handshake, serializer, this, messagingOptions.Value, logger);
        _listener.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is not null)
        {
            await _listener.StopAsync().ConfigureAwait(false);
        }
    }

    public void OnConnected(Connection connection)
    {
        var remote = connection.RemoteHandshake;
        var clusterId = ManifestMetadata.ReadClusterId(remote.Metadata);
        if (remote.ClientId is not { } clientId || clusterId != silo.ClusterId)
        {
            LogRefused(logger, connection.RemoteEndPoint?.ToString(), remote.ToString(), clusterId, silo.ClusterId);
            connection.Dispose();
            return;
        }
        messageCenter.RegisterClient(clientId, connection.Send);
        LogClientConnected(logger, clientId, connection.RemoteEndPoint?.ToString());
    }

    public void OnMessage(Message message, Connection connection)
    {
        if (message.Direction == MessageDirection.Response || connection.RemoteHandshake.ClientId is not { } clientId)
        {
            LogUnexpectedMessage(logger, message.ToString(), connection.RemoteEndPoint?.ToString());
            return;
        }
        message.SendingGrain = clientId;
        // Responses come back here, whichever silo runs the grain, and go on to the client's connection.
        message.SendingSilo = silo.SiloAddress;
        messageCenter.ReceiveFromClient(message);
    }

    public void OnSendFailed(Message message, Connection connection, Exception reason)
        => LogResponseLost(logger, reason, message.ToString(), connection.RemoteEndPoint?.ToString());

    public void OnClosed(Connection connection, Exception? reason)
    {
        if (connection.RemoteHandshake.ClientId is { } clientId)
        {
            messageCenter.UnregisterClient(clientId);
            LogClientDisconnected(logger, clientId, reason?.Message ?? "closed");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused connection from {Remote} ({Peer}): cluster '{PeerCluster}' is not '{Cluster}' or the peer is not a client")]
    private static partial void LogRefused(ILogger logger, string? remote, string peer, string? peerCluster, string cluster);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Client {ClientId} connected from {Remote}")]
    private static partial void LogClientConnected(ILogger logger, GrainId clientId, string? remote);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Client {ClientId} disconnected: {Reason}")]
    private static partial void LogClientDisconnected(ILogger logger, GrainId clientId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored unexpected {Message} from {Remote}")]
    private static partial void LogUnexpectedMessage(ILogger logger, string message, string? remote);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Response {Message} to {Remote} was lost")]
    private static partial void LogResponseLost(ILogger logger, Exception reason, string message, string? remote);
}
