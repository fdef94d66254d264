using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Net;
using Deror.Configuration;
using Deror.Messaging;
using Microsoft.Extensions.Logging;

namespace Deror.Networking;

/// <summary>
/// Accepts TCP connections on one endpoint, runs the handshake on each (concurrently, so a slow or hostile peer
/// holds up nobody) and starts a <see cref="Connection"/> per peer, all reporting to one <see cref="IMessageHandler"/>.
/// </summary>
public sealed class ConnectionListener : IAsyncDisposable
{
    private const int Backlog = 512;

    private readonly IPEndPoint _endpoint;
    private readonly Handshake _localHandshake;
    private readonly MessageSerializer _serializer;
    private readonly IMessageHandler _handler;
    private readonly MessagingOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Connection, byte> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _boundSocket;
    private Socket? _listenSocket;
    private Task _acceptLoop = Task.CompletedTask;

    public ConnectionListener(
        IPEndPoint endpoint,
        Handshake localHandshake,
        MessageSerializer serializer,
        IMessageHandler handler,
        MessagingOptions options,
        ILogger logger)
    {
        _endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        _localHandshake = localHandshake ?? throw new ArgumentNullException(nameof(localHandshake));
        _serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _options = MessagingOptionsValidator.EnsureValid(options);
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>
    /// Listens on a socket the caller already bound (see <see cref="Bind"/>), e.g. to learn a port-0 endpoint's
    /// real port before starting: the port is held the whole time, so no other process can take it meanwhile.
    /// The listener owns the socket from here on.
    /// </summary>
    public ConnectionListener(
        Socket boundSocket,
        Handshake localHandshake,
        MessageSerializer serializer,
        IMessageHandler handler,
        MessagingOptions options,
        ILogger logger)
        : this(
            (IPEndPoint?)(boundSocket ?? throw new ArgumentNullException(nameof(boundSocket))).LocalEndPoint
                ?? throw new ArgumentException("The socket is not bound.", nameof(boundSocket)),
            localHandshake, serializer, handler, options, logger)
    {
        _boundSocket = boundSocket;
    }

    /// <summary>
    /// Judges each peer's handshake before this side answers (e.g. a gateway checking a client's token); null admits
    /// every peer with a valid handshake.
    /// </summary>
    public HandshakeAdmission? Admission { get; init; }

    /// <summary>A TCP socket bound to <paramref name="endpoint"/> (port 0: any free port), not yet listening.</summary>
    public static Socket Bind(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6 && endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }
            socket.Bind(endpoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The bound endpoint (with the actual port when port 0 was asked for). Valid after <see cref="Start"/>.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint?)_listenSocket?.LocalEndPoint
        ?? throw new InvalidOperationException("The listener has not been started.");

    /// <summary>The established connections that are still open.</summary>
    public IReadOnlyCollection<Connection> Connections => _connections.Keys.Where(c => !c.IsClosed).ToArray();

    /// <summary>Binds (unless bound already) and starts accepting. Throws <see cref="SocketException"/> if the endpoint cannot be bound.</summary>
    public void Start()
    {
        if (_listenSocket is not null)
        {
            throw new InvalidOperationException("The listener is already started.");
        }
        var socket = _boundSocket ?? Bind(_endpoint);
        _boundSocket = null;
        try
        {
            socket.Listen(Backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _listenSocket = socket;
        NetworkingLog.Listening(_logger, LocalEndPoint);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Stops accepting, closes every connection (their handlers see <c>OnClosed</c>) and waits for them to finish.</summary>
    public async Task StopAsync()
    {
        // Never started: release the port it was handed.
        _boundSocket?.Dispose();
        _boundSocket = null;
        if (_stopping.IsCancellationRequested || _listenSocket is not { } socket)
        {
            return;
        }
        var endpoint = LocalEndPoint;
        _stopping.Cancel();
        socket.Dispose();
        await _acceptLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var closing = new List<Task>();
        foreach (var connection in _connections.Keys)
        {
            connection.Dispose();
            closing.Add(connection.Closed);
        }
        await Task.WhenAll(closing);
        _connections.Clear();
        NetworkingLog.StoppedListening(_logger, endpoint);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task AcceptLoopAsync()
    {
        var listenSocket = _listenSocket!;
        while (!_stopping.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await listenSocket.AcceptAsync(_stopping.Token);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                // Per-connection failures (the peer reset before accept completed) leave the listener working.
                NetworkingLog.AcceptFailed(_logger, _endpoint, e);
                continue;
            }
            _ = AcceptAsync(accepted);
        }
    }

    private async Task AcceptAsync(Socket socket)
    {
        var remote = socket.RemoteEndPoint;
        Connection connection;
        try
        {
            connection = await ConnectionEstablishment.EstablishAsync(
                socket, _localHandshake, _serializer, _handler, _options, _logger, _stopping.Token, Admission);
        }
        catch (Exception e)
        {
            if (e is PeerClosedBeforeHandshakeException)
            {
                NetworkingLog.ProbeClosed(_logger, remote);
            }
            else if (!_stopping.IsCancellationRequested)
            {
                NetworkingLog.HandshakeFailed(_logger, remote, e.Message);
            }
            return;
        }
        _connections.TryAdd(connection, 0);
        _ = ForgetWhenClosedAsync(connection);
        connection.Start();
        if (_stopping.IsCancellationRequested)
        {
            // Raced with StopAsync, which may already have closed the others.
            connection.Dispose();
        }
    }

    private async Task ForgetWhenClosedAsync(Connection connection)
    {
        await connection.Closed;
        _connections.TryRemove(connection, out _);
    }
}
