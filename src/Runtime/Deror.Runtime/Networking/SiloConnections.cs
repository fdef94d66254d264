using System.Collections.Concurrent;
using Deror.Configuration;
using Deror.Hosting;
using Deror.Messaging;
using Deror.Networking;
using Deror.Runtime.Membership;
using Deror.Runtime.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Runtime.Networking;

/// <summary>
/// Silo-to-silo messaging over the same framed TCP transport as the gateway. Each silo listens on its silo port
/// and keeps one outbound connection per peer, reused for every message to it; a message to a silo that is dead
/// or unreachable is answered at once with a delivery failure rather than left to time out, and calls still
/// waiting on a silo that dies are failed when its connection closes.
/// </summary>
internal sealed partial class SiloConnections(
    ILocalSiloDetails silo,
    PreboundSockets sockets,
    IOptions<MessagingOptions> messagingOptions,
    MessageSerializer serializer,
    ClusterMembershipView membership,
    IServiceProvider services,
    ILogger<SiloConnections> logger) : ISiloLifecycleParticipant, IMessageHandler
{
    private readonly ConcurrentDictionary<SiloAddress, Lazy<Task<Connection>>> _outbound = new();
    private readonly ConcurrentDictionary<Connection, ConcurrentDictionary<long, byte>> _inFlight = new();
    private ConnectionListener? _listener;
    private Connector? _connector;
    private MessageCenter? _messageCenter;

    /// <summary>Before membership, which probes through these connections.</summary>
    public int Stage => SiloLifecycleStage.RuntimeServices + 50;

    private MessageCenter MessageCenter => _messageCenter ??= services.GetRequiredService<MessageCenter>();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var handshake = Handshake.ForSilo(silo.SiloAddress, new Dictionary<string, string> { [ManifestMetadata.ClusterIdKey] = silo.ClusterId });
        _connector = new Connector(handshake, serializer, this, messagingOptions.Value, logger);
        _listener = new ConnectionListener(sockets.TakeOrBind(silo.SiloAddress.Endpoint), handshake, serializer, this, messagingOptions.Value, logger);
        _listener.Start();
        membership.Changed += DropDeadSilos;
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        membership.Changed -= DropDeadSilos;
        if (_listener is not null)
        {
            await _listener.StopAsync().ConfigureAwait(false);
        }
        foreach (var connection in _outbound.Values.Where(c => c.IsValueCreated && c.Value.IsCompletedSuccessfully).Select(c => c.Value.Result))
        {
            connection.Dispose();
        }
    }

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/>, connecting first if needed.</summary>
    public void Send(SiloAddress target, Message message)
    {
        if (membership.IsDead(target))
        {
            MessageCenter.OnUndeliverable(message, new DerorMessageDeliveryException($"Silo {target} is dead."));
            return;
        }
        var connecting = _outbound.GetOrAdd(target, t => new Lazy<Task<Connection>>(() => _connector!.ConnectAsync(t.Endpoint)));
        if (connecting.Value.IsCompletedSuccessfully)
        {
            SendOn(connecting.Value.Result, message);
            return;
        }
        _ = SendWhenConnectedAsync(target, connecting, message);
    }

    public void OnConnected(Connection connection)
    {
        if (connection.RemoteHandshake.Silo is null || ManifestMetadata.ReadClusterId(connection.RemoteHandshake.Metadata) != silo.ClusterId)
        {
            LogRefused(logger, connection.RemoteEndPoint?.ToString(), connection.RemoteHandshake.ToString());
            connection.Dispose();
            return;
        }
        _inFlight[connection] = new ConcurrentDictionary<long, byte>();
    }

    public void OnMessage(Message message, Connection connection)
    {
        if (message.Direction == MessageDirection.Response)
        {
            MessageCenter.ReceiveResponse(message);
            return;
        }
        MessageCenter.ReceiveFromSilo(message);
    }

    public void OnSendFailed(Message message, Connection connection, Exception reason)
        => MessageCenter.OnUndeliverable(message, new DerorMessageDeliveryException($"Sending to {connection.RemoteHandshake} failed: {reason.Message}", reason));

    public void OnClosed(Connection connection, Exception? reason)
    {
        if (connection.RemoteHandshake.Silo is { } peer
            && _outbound.TryGetValue(peer, out var current)
            && current.IsValueCreated && current.Value.IsCompletedSuccessfully && current.Value.Result == connection)
        {
            _outbound.TryRemove(new KeyValuePair<SiloAddress, Lazy<Task<Connection>>>(peer, current));
        }
        if (_inFlight.TryRemove(connection, out var calls))
        {
            MessageCenter.FailCalls(calls.Keys, () => new DerorMessageDeliveryException($"The connection to silo {connection.RemoteHandshake} was lost before the response arrived.", reason));
        }
    }

    private void SendOn(Connection connection, Message message)
    {
        if (message.Direction == MessageDirection.Request && message.SendingSilo == silo.SiloAddress && _inFlight.TryGetValue(connection, out var calls))
        {
            calls.TryAdd(message.Id, 0);
        }
        connection.Send(message);
    }

    private async Task SendWhenConnectedAsync(SiloAddress target, Lazy<Task<Connection>> connecting, Message message)
    {
        try
        {
            SendOn(await connecting.Value.ConfigureAwait(false), message);
        }
        catch (Exception e)
        {
            // Forget the failed attempt so the next message tries again.
            _outbound.TryRemove(new KeyValuePair<SiloAddress, Lazy<Task<Connection>>>(target, connecting));
            MessageCenter.OnUndeliverable(message, new DerorMessageDeliveryException($"Cannot reach silo {target}: {e.Message}", e));
        }
    }

    private void DropDeadSilos(MembershipTableSnapshot snapshot)
    {
        foreach (var (peer, connecting) in _outbound)
        {
            if (membership.IsDead(peer) && _outbound.TryRemove(new KeyValuePair<SiloAddress, Lazy<Task<Connection>>>(peer, connecting))
                && connecting.IsValueCreated && connecting.Value.IsCompletedSuccessfully)
            {
                connecting.Value.Result.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused silo connection from {Remote} ({Peer}): not a silo of this cluster")]
    private static partial void LogRefused(ILogger logger, string? remote, string peer);
}
