using System.Collections.Concurrent;
using System.Net;
using Deror.Configuration;
using Deror.Messaging;
using Deror.Networking;
using Deror.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Client;

/// <summary>
/// The client side of the runtime: keeps a connection to every reachable gateway, spreads calls over them,
/// fails the calls of a connection that dies at once (not at their timeout) and reconnects in the background.
/// </summary>
internal sealed partial class GatewayClientRuntime : Invocation.OutboundRuntimeClient, IMessageHandler
{
    private readonly ClientOptions _options;
    private readonly ClientGrainTypeResolver _typeResolver;
    private readonly ILogger _logger;
    private readonly Connector _connector;
    private readonly EndPoint[] _gateways;
    private readonly Invocation.GrainFactory _systemGrains;
    private IGatewayListGrain? _gatewayList;
    private volatile IReadOnlyList<IPEndPoint>? _clusterGateways;
    private readonly ConcurrentDictionary<EndPoint, Connection> _byGateway = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _liveLock = new();
    private Connection[] _live = [];
    private int _next;
    private Task _reconnectLoop = Task.CompletedTask;

    public GatewayClientRuntime(
        IOptions<ClientOptions> options,
        IOptions<MessagingOptions> messagingOptions,
        ClientGrainTypeResolver typeResolver,
        MessageSerializer serializer,
        ICodec codec,
        TimeProvider clock,
        ILogger<GatewayClientRuntime> logger)
        : base(codec, clock, messagingOptions.Value.ResponseTimeout)
    {
        _options = options.Value;
        _typeResolver = typeResolver;
        _logger = logger;
        _gateways = _options.Gateways.Select(g => ClientOptions.TryParseGateway(g, out var e) ? e : throw new ArgumentException($"Bad gateway '{g}'.")).ToArray();
        var metadata = new Dictionary<string, string> { [ManifestMetadata.ClusterIdKey] = _options.ClusterId };
        if (!string.IsNullOrEmpty(_options.Token))
        {
            metadata[AccessToken.MetadataKey] = _options.Token;
        }
        var handshake = Handshake.ForClient(ClientId, metadata);
        _connector = new Connector(handshake, serializer, this, messagingOptions.Value, logger);
        _systemGrains = new Invocation.GrainFactory(this, typeResolver);
    }

    public GrainId ClientId { get; } = SystemGrainTypes.NewClientId();

    public bool IsConnected => Volatile.Read(ref _live).Length > 0;

    protected override GrainId? CurrentSender => ClientId;

    protected override SiloAddress? SendingSilo => null;

    /// <summary>Connects to the gateways, waiting until at least one answers or the initial timeout passes.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var deadline = Clock.GetUtcNow() + _options.InitialConnectTimeout;
        Exception? lastError = null;
        while (!IsConnected)
        {
            lastError = await ConnectMissingGatewaysAsync(cancellationToken).ConfigureAwait(false) ?? lastError;
            if (IsConnected)
            {
                break;
            }
            if (lastError is ConnectionRefusedException refused)
            {
                // A refusal (wrong token or cluster) does not go away by waiting.
                throw new ConnectionRefusedException(
                    $"The gateways of cluster '{_options.ClusterId}' refused the connection: {refused.Reason}", refused.Reason, refused);
            }
            if (Clock.GetUtcNow() >= deadline)
            {
                throw new DerorMessageDeliveryException(
                    $"Could not connect to any gateway of cluster '{_options.ClusterId}' ({string.Join(", ", _options.Gateways)}) within {_options.InitialConnectTimeout.TotalSeconds:0.#} s: {lastError?.Message}",
                    lastError);
            }
            await Task.Delay(_options.ReconnectDelay, Clock, cancellationToken).ConfigureAwait(false);
        }
        _reconnectLoop = ReconnectLoopAsync();
    }

    public async Task DisconnectAsync()
    {
        _stopping.Cancel();
        await _reconnectLoop.ConfigureAwait(false);
        foreach (var connection in _byGateway.Values)
        {
            connection.Dispose();
        }
        Dispose();
    }

    protected override void Send(Message message)
    {
        var live = Volatile.Read(ref _live);
        if (live.Length == 0)
        {
            FailCall(message, new DerorMessageDeliveryException($"Not connected to any gateway of cluster '{_options.ClusterId}'; reconnecting in the background."));
            return;
        }
        var connection = live[(int)((uint)Interlocked.Increment(ref _next) % (uint)live.Length)];
        if (message.Direction == MessageDirection.Request)
        {
            Calls.SetSentOn(message.Id, connection);
        }
        connection.Send(message);
    }

    public void OnConnected(Connection connection)
    {
        var remote = connection.RemoteHandshake;
        var clusterId = ManifestMetadata.ReadClusterId(remote.Metadata);
        if (remote.Silo is null || clusterId != _options.ClusterId)
        {
            LogWrongCluster(_logger, connection.RemoteEndPoint?.ToString(), clusterId, _options.ClusterId);
            connection.Dispose();
            return;
        }
        _typeResolver.Update(ManifestMetadata.ReadInterfaceMap(remote.Metadata));
        lock (_liveLock)
        {
            _live = [.. _live, connection];
        }
        LogConnected(_logger, remote.Silo, connection.RemoteEndPoint?.ToString());
    }

    public void OnMessage(Message message, Connection connection)
    {
        if (message.Direction != MessageDirection.Response)
        {
            LogUnexpected(_logger, message.ToString());
            return;
        }
        ReceiveResponse(message);
    }

    public void OnSendFailed(Message message, Connection connection, Exception reason)
    {
        FailCall(message, new DerorMessageDeliveryException($"{message.Request} could not be sent to gateway {connection.RemoteEndPoint}: {reason.Message}", reason));
    }

    public void OnClosed(Connection connection, Exception? reason)
    {
        lock (_liveLock)
        {
            _live = _live.Where(c => c != connection).ToArray();
        }
        foreach (var (gateway, c) in _byGateway)
        {
            if (c == connection)
            {
                _byGateway.TryRemove(new KeyValuePair<EndPoint, Connection>(gateway, c));
            }
        }
        Calls.FailSentOn(connection, () => new DerorMessageDeliveryException($"The connection to gateway {connection.RemoteEndPoint} was lost before the response arrived.", reason));
        if (!_stopping.IsCancellationRequested)
        {
            LogDisconnected(_logger, connection.RemoteEndPoint?.ToString(), reason?.Message ?? "closed");
        }
    }

    private async Task<Exception?> ConnectMissingGatewaysAsync(CancellationToken cancellationToken)
    {
        Exception? lastError = null;
        var connected = Volatile.Read(ref _live).Select(c => c.RemoteEndPoint).OfType<IPEndPoint>().ToHashSet();
        // Once the cluster has said which gateways are active, those are the ones to keep connected.
        IEnumerable<EndPoint> targets = _clusterGateways ?? (IEnumerable<EndPoint>)_gateways;
        foreach (var gateway in targets)
        {
            if (_byGateway.ContainsKey(gateway) || (gateway is IPEndPoint ip && connected.Contains(ip)))
            {
                continue;
            }
            try
            {
                var connection = await _connector.ConnectAsync(gateway, cancellationToken).ConfigureAwait(false);
                if (connection.IsClosed || !_byGateway.TryAdd(gateway, connection))
                {
                    connection.Dispose();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                lastError = e;
                LogConnectFailed(_logger, gateway.ToString() ?? "?", e.Message);
            }
        }
        return lastError;
    }

    private async Task ReconnectLoopAsync()
    {
        var lastListRefresh = Clock.GetTimestamp();
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                var delay = _options.ReconnectDelay < _options.GatewayListRefreshPeriod ? _options.ReconnectDelay : _options.GatewayListRefreshPeriod;
                await Task.Delay(delay, Clock, _stopping.Token).ConfigureAwait(false);
                if (Clock.GetElapsedTime(lastListRefresh) >= _options.GatewayListRefreshPeriod)
                {
                    lastListRefresh = Clock.GetTimestamp();
                    await RefreshGatewayListAsync().ConfigureAwait(false);
                }
                await ConnectMissingGatewaysAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Learns the active gateways and drops connections to the others, failing their pending calls now.</summary>
    private async Task RefreshGatewayListAsync()
    {
        if (!IsConnected)
        {
            return;
        }
        IReadOnlyList<string> listed;
        try
        {
            // Created on first use: the grain type is only known once a gateway sent the cluster's manifest.
            _gatewayList ??= _systemGrains.GetGrain<IGatewayListGrain>(IGatewayListGrain.Key);
            listed = await _gatewayList.GetGateways().WaitAsync(_options.GatewayListRefreshPeriod, Clock, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            // The gateway asked may be the one in trouble; the next refresh asks another.
            return;
        }
        var active = listed.Select(g => IPEndPoint.TryParse(g, out var endpoint) ? endpoint : null).OfType<IPEndPoint>().ToArray();
        if (active.Length == 0)
        {
            return;
        }
        _clusterGateways = active;
        foreach (var connection in Volatile.Read(ref _live))
        {
            if (connection.RemoteEndPoint is IPEndPoint remote && !active.Contains(remote))
            {
                LogGatewayRetired(_logger, remote.ToString());
                connection.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway {Endpoint} is no longer active in the cluster; disconnected")]
    private static partial void LogGatewayRetired(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to silo {Silo} at {Endpoint}")]
    private static partial void LogConnected(ILogger logger, SiloAddress silo, string? endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost gateway {Endpoint}: {Reason}; reconnecting")]
    private static partial void LogDisconnected(ILogger logger, string? endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not connect to gateway {Gateway}: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string gateway, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gateway at {Endpoint} is in cluster '{PeerCluster}', not '{Cluster}'; disconnected")]
    private static partial void LogWrongCluster(ILogger logger, string? endpoint, string? peerCluster, string cluster);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored unexpected {Message} from a gateway")]
    private static partial void LogUnexpected(ILogger logger, string message);
}
