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
/// A broken or misbehaving connection is closed by the transport; the gateway only forgets its client. Before a client
/// is admitted its handshake must name this cluster and, when a token is configured, carry that token; otherwise the
/// client is told why and disconnected.
/// </summary>
internal sealed partial class Gateway(
    ILocalSiloDetails silo,
    PreboundSockets sockets,
    IOptions<Configuration.MessagingOptions> messagingOptions,
    IOptions<Configuration.GatewayOptions> gatewayOptions,
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
        _listener = new ConnectionListener(sockets.TakeOrBind(silo.GatewayEndpoint), handshake, serializer, this, messagingOptions.Value, logger)
        {
            Admission = Admit,
        };
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

    /// <summary>Null admits the peer; otherwise the reason it is refused, which the client reports.</summary>
    private string? Admit(Handshake remote)
    {
        if (!remote.IsClient)
        {
            return "this is a client gateway; silos connect to the silo port.";
        }
        var clusterId = ManifestMetadata.ReadClusterId(remote.Metadata);
        if (clusterId != silo.ClusterId)
        {
            return $"this gateway serves cluster '{silo.ClusterId}', not '{clusterId}'.";
        }
        if (gatewayOptions.Value.Token is { Length: > 0 } token)
        {
            var presented = AccessToken.Read(remote.Metadata);
            if (!AccessToken.Matches(token, presented))
            {
                return presented is null
                    ? "this gateway requires a token; pass the silo's Deror:Gateway:Token as the client's Token (deror --token, DEROR_TOKEN)."
                    : "the token does not match the gateway's Deror:Gateway:Token.";
            }
        }
        return null;
    }

    public void OnConnected(Connection connection)
    {
        // Admission has run: the peer is a client of this cluster with the right token.
        var clientId = connection.RemoteHandshake.ClientId!.Value;
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Client {ClientId} connected from {Remote}")]
    private static partial void LogClientConnected(ILogger logger, GrainId clientId, string? remote);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Client {ClientId} disconnected: {Reason}")]
    private static partial void LogClientDisconnected(ILogger logger, GrainId clientId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored unexpected {Message} from {Remote}")]
    private static partial void LogUnexpectedMessage(ILogger logger, string message, string? remote);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Response {Message} to {Remote} was lost")]
    private static partial void LogResponseLost(ILogger logger, Exception reason, string message, string? remote);
}
