using System.Net;
using Microsoft.Extensions.Logging;

namespace Deror.Networking;

internal static partial class NetworkingLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Listening for connections on {Endpoint}")]
    public static partial void Listening(ILogger logger, EndPoint endpoint);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Stopped listening on {Endpoint}")]
    public static partial void StoppedListening(ILogger logger, EndPoint endpoint);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Accepting a connection on {Endpoint} failed")]
    public static partial void AcceptFailed(ILogger logger, EndPoint endpoint, Exception exception);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Rejected connection from {Remote}: {Reason}")]
    public static partial void HandshakeFailed(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Debug, Message = "Connected to {Peer} at {Remote}")]
    public static partial void Connected(ILogger logger, Handshake peer, EndPoint? remote);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Debug, Message = "Closed connection to {Peer} at {Remote}")]
    public static partial void ClosedLocally(ILogger logger, Handshake peer, EndPoint? remote);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Debug, Message = "Connection to {Peer} at {Remote} closed by the peer")]
    public static partial void ClosedByPeer(ILogger logger, Handshake peer, EndPoint? remote);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Warning, Message = "Closing connection to {Peer} at {Remote}: {Reason}")]
    public static partial void ClosedOnError(ILogger logger, Handshake peer, EndPoint? remote, string reason);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Warning, Message = "Message {Message} to {Peer} could not be encoded and was dropped: {Reason}")]
    public static partial void EncodeFailed(ILogger logger, string message, Handshake peer, string reason);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Error, Message = "The message handler failed in {Callback} for connection to {Peer}")]
    public static partial void HandlerFailed(ILogger logger, string callback, Handshake peer, Exception exception);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Debug, Message = "Connection from {Remote} closed before its handshake (a port probe)")]
    public static partial void ProbeClosed(ILogger logger, EndPoint? remote);
}
