using System.Net.Sockets;
using System.Net;
using Deror.Configuration;
using Deror.Messaging;
using Microsoft.Extensions.Logging;

namespace Deror.Networking;

/// <summary>
/// Opens outgoing connections (client → gateway, silo → silo). Each call makes a new socket and a new
/// <see cref="Connection"/>, so reconnecting is calling <see cref="ConnectAsync"/> again.
/// </summary>
public sealed class Connector
{
    private readonly Handshake _localHandshake;
    private readonly MessageSerializer _serializer;
    private readonly IMessageHandler _handler;
    private readonly MessagingOptions _options;
    private readonly ILogger _logger;

    public Connector(Handshake localHandshake, MessageSerializer serializer, IMessageHandler handler, MessagingOptions options, ILogger logger)
    {
        _localHandshake = localHandshake ?? throw new ArgumentNullException(nameof(localHandshake));
        _serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _options = MessagingOptionsValidator.EnsureValid(options);
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>
    /// Connects and exchanges handshakes. The handler's <see cref="IMessageHandler.OnConnected"/> has run when this
    /// returns. Throws <see cref="DerorMessageDeliveryException"/> when the peer cannot be reached in
    /// <see cref="MessagingOptions.ConnectTimeout"/> or its handshake is bad, <see cref="ConnectionRefusedException"/> when
    /// the peer refused this side's handshake, and
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async Task<Connection> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var socket = endpoint.AddressFamily == AddressFamily.Unspecified
            ? new Socket(SocketType.Stream, ProtocolType.Tcp)
            : new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(_options.ConnectTimeout);
                await socket.ConnectAsync(endpoint, timeout.Token);
            }
            var connection = await ConnectionEstablishment.EstablishAsync(
                socket, _localHandshake, _serializer, _handler, _options, _logger, cancellationToken);
            connection.Start();
            return connection;
        }
        catch (ConnectionRefusedException e)
        {
            socket.Dispose();
            throw new ConnectionRefusedException($"{endpoint} refused the connection: {e.Reason}", e.Reason, e);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            var reason = e is OperationCanceledException ? $"no connection within {_options.ConnectTimeout}" : e.Message;
            throw new DerorMessageDeliveryException($"Could not connect to {endpoint}: {reason}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
