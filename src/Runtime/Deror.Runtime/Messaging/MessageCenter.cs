using Deror.Messaging;
using Deror.Runtime.Catalog;
using Deror.Runtime.Membership;
using Deror.Runtime.Networking;
using Deror.Runtime.Placement;
using Deror.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Deror.Runtime.Messaging;

/// <summary>
/// Routes every message of the silo. A request goes to the local activation if there is one; otherwise the
/// grain directory says where the grain lives (entries on dead silos count as free) and placement picks a silo
/// for a grain that lives nowhere. Responses go back to the calling silo, to the local caller, or through the
/// gateway to the client that sent the request. Calls between grains of one silo never touch the wire, so their
/// arguments and results are deep-copied here to keep activations isolated.
/// </summary>
internal sealed partial class MessageCenter(
    Catalog.Catalog catalog,
    SiloRuntimeClient runtimeClient,
    ILocalSiloDetails silo,
    ClusterMembershipView membership,
    GrainLocator locator,
    PlacementDirector placement,
    ICodec codec,
    IServiceProvider services,
    ILogger<MessageCenter> logger)
{
    /// <summary>Bounds how often a request may chase an activation that moved before it is rejected.</summary>
    private const int MaxForwardCount = 3;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<GrainId, Action<Message>> _clients = new();
    private SiloConnections? _silos;

    private SiloConnections Silos => _silos ??= services.GetRequiredService<SiloConnections>();

    /// <summary>A request sent by a grain (or silo service) of this silo.</summary>
    public void SendRequest(Message message) => Route(message, fromThisSilo: true);

    /// <summary>A request that arrived from a client through this silo's gateway (already a private copy).</summary>
    public void ReceiveFromClient(Message message) => Route(message, fromThisSilo: false);

    /// <summary>A request forwarded or sent by another silo.</summary>
    public void ReceiveFromSilo(Message message) => Route(message, fromThisSilo: false);

    /// <summary>A response that arrived from another silo.</summary>
    public void ReceiveResponse(Message response) => DeliverResponse(response);

    public void SendResponse(Message response)
    {
        var local = response.TargetSilo is null || response.TargetSilo.Equals(silo.SiloAddress);
        if (!local)
        {
            Silos.Send(response.TargetSilo!, response);
            return;
        }
        if (!SystemGrainTypes.IsClient(response.TargetGrain) && response.Status == ResponseStatus.Success && response.Request is not null)
        {
            response.Result = response.Request.CopyResult(codec, response.Result);
        }
        DeliverResponse(response);
    }

    /// <summary>Answers a request the runtime cannot run (unknown grain type, failed activation, shutdown, unreachable silo).</summary>
    public void Reject(Message message, Exception reason)
    {
        if (message.Direction != MessageDirection.Request)
        {
            LogOneWayRejected(logger, reason, message.ToString());
            return;
        }
        var response = message.CreateResponse(ResponseStatus.Rejected);
        response.Exception = reason;
        SendResponse(response);
    }

    /// <summary>A message could not be sent to another silo.</summary>
    public void OnUndeliverable(Message message, Exception reason)
    {
        if (message.Direction == MessageDirection.Response)
        {
            LogResponseLost(logger, message.Id, reason.Message);
        }
        else if (message.SendingSilo is null || message.SendingSilo.Equals(silo.SiloAddress) && !SystemGrainTypes.IsClient(message.SendingGrain ?? default))
        {
            // Our own call: fail it now rather than at its timeout.
            runtimeClient.Calls.Fail(message.Id, reason);
        }
        else
        {
            Reject(message, reason);
        }
    }

    public void FailCalls(IEnumerable<long> callIds, Func<Exception> reason)
    {
        foreach (var id in callIds)
        {
            runtimeClient.Calls.Fail(id, reason());
        }
    }

    /// <summary>Sends a request on to the silo that should hold its activation.</summary>
    public void Forward(Message message, SiloAddress target)
    {
        if (++message.ForwardCount > MaxForwardCount)
        {
            Reject(message, new DerorMessageDeliveryException($"{message.Request} for {message.TargetGrain} was forwarded {MaxForwardCount} times without finding its activation."));
            return;
        }
        message.TargetSilo = target;
        Silos.Send(target, message);
    }

    /// <summary>Makes responses for <paramref name="clientId"/> go to <paramref name="send"/> (its gateway connection).</summary>
    public void RegisterClient(GrainId clientId, Action<Message> send) => _clients[clientId] = send;

    public void UnregisterClient(GrainId clientId) => _clients.TryRemove(clientId, out _);

    private void Route(Message message, bool fromThisSilo)
    {
        if (membership.IsLocalSiloDead)
        {
            Reject(message, new DerorMessageDeliveryException($"Silo {silo.SiloAddress} was declared dead by the cluster and is stopping."));
            return;
        }
        var target = message.TargetGrain;
        if (target.Type == SiloControlGrain.GrainType)
        {
            RouteToSystemTarget(message, fromThisSilo);
            return;
        }
        if (!locator.IsClustered || catalog.IsLocalOnly(target) || catalog.TryGetActivation(target, out _) || silo.SiloAddress.Equals(message.TargetSilo))
        {
            DeliverLocally(message, fromThisSilo);
            return;
        }
        if (locator.TryGetCached(target, out var cached))
        {
            RouteTo(message, cached, fromThisSilo);
            return;
        }
        _ = RouteViaDirectoryAsync(message, fromThisSilo);
    }

    private async Task RouteViaDirectoryAsync(Message message, bool fromThisSilo)
    {
        SiloAddress? owner;
        try
        {
            owner = await locator.LookupAsync(message.TargetGrain).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Reject(message, new DerorMessageDeliveryException($"The grain directory could not be read for {message.TargetGrain}: {e.Message}", e));
            return;
        }
        RouteTo(message, owner, fromThisSilo);
    }

    private void RouteTo(Message message, SiloAddress? owner, bool fromThisSilo)
    {
        try
        {
            owner ??= placement.PlaceGrain(message.TargetGrain);
        }
        catch (DerorException e)
        {
            Reject(message, e);
            return;
        }
        if (owner.Equals(silo.SiloAddress))
        {
            DeliverLocally(message, fromThisSilo);
        }
        else if (fromThisSilo)
        {
            message.TargetSilo = owner;
            Silos.Send(owner, message);
        }
        else
        {
            Forward(message, owner);
        }
    }

    private void RouteToSystemTarget(Message message, bool fromThisSilo)
    {
        if (!SiloAddress.TryParse(message.TargetGrain.Key, out var target))
        {
            Reject(message, new DerorException($"'{message.TargetGrain.Key}' is not a silo address."));
        }
        else if (target.Equals(silo.SiloAddress))
        {
            DeliverLocally(message, fromThisSilo);
        }
        else if (target.Endpoint.Equals(silo.SiloAddress.Endpoint))
        {
            Reject(message, new DerorMessageDeliveryException($"Silo {target} no longer exists (this is {silo.SiloAddress})."));
        }
        else
        {
            Silos.Send(target, message);
        }
    }

    private void DeliverLocally(Message message, bool fromThisSilo)
    {
        if (fromThisSilo)
        {
            message.Request!.CopyArguments(codec);
        }
        message.TargetSilo = silo.SiloAddress;
        catalog.ReceiveMessage(message);
    }

    private void DeliverResponse(Message response)
    {
        if (SystemGrainTypes.IsClient(response.TargetGrain))
        {
            if (_clients.TryGetValue(response.TargetGrain, out var send))
            {
                send(response);
            }
            else
            {
                LogClientGone(logger, response.Id, response.TargetGrain);
            }
            return;
        }
        runtimeClient.ReceiveResponse(response);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped response #{Id}: client {ClientId} has disconnected")]
    private static partial void LogClientGone(ILogger logger, long id, GrainId clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "One-way message {Message} could not be delivered")]
    private static partial void LogOneWayRejected(ILogger logger, Exception reason, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Response #{Id} could not be delivered: {Reason}")]
    private static partial void LogResponseLost(ILogger logger, long id, string reason);
}
