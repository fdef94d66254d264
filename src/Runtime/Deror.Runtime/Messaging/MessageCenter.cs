using System.Collections.Concurrent;
using Deror.Messaging;
using Deror.Serialization;
using Microsoft.Extensions.Logging;

namespace Deror.Runtime.Messaging;

/// <summary>
/// Routes messages inside the silo: requests to the catalog, responses to the local caller or back to the
/// gateway connection of the client that sent the request. Calls between grains of one silo never touch
/// the wire, so their arguments and results are deep-copied here to keep activations isolated.
/// </summary>
internal sealed partial class MessageCenter(
    Catalog.Catalog catalog,
    SiloRuntimeClient runtimeClient,
    ICodec codec,
    ILogger<MessageCenter> logger)
{
    private readonly ConcurrentDictionary<GrainId, Action<Message>> _clients = new();

    /// <summary>A request sent by a grain (or silo service) of this silo.</summary>
    public void SendRequest(Message message)
    {
        message.Request!.CopyArguments(codec);
        catalog.ReceiveMessage(message);
    }

    /// <summary>A request that arrived from a client through the gateway (already a private copy).</summary>
    public void ReceiveFromClient(Message message) => catalog.ReceiveMessage(message);

    public void SendResponse(Message response)
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
        if (response.Status == ResponseStatus.Success && response.Request is not null)
        {
            response.Result = response.Request.CopyResult(codec, response.Result);
        }
        runtimeClient.ReceiveResponse(response);
    }

    /// <summary>Answers a request the runtime cannot run (unknown grain type, failed activation, shutdown).</summary>
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

    /// <summary>Makes responses for <paramref name="clientId"/> go to <paramref name="send"/> (its gateway connection).</summary>
    public void RegisterClient(GrainId clientId, Action<Message> send) => _clients[clientId] = send;

    public void UnregisterClient(GrainId clientId) => _clients.TryRemove(clientId, out _);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped response #{Id}: client {ClientId} has disconnected")]
    private static partial void LogClientGone(ILogger logger, long id, GrainId clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "One-way message {Message} could not be delivered")]
    private static partial void LogOneWayRejected(ILogger logger, Exception reason, string message);
}
