using Deror.Messaging;

namespace Deror.Networking;

/// <summary>
/// What the runtime does with a connection's traffic. Called on the connection's I/O loops: implementations
/// must be quick and must not block (hand messages to a scheduler or complete a pending call).
/// </summary>
public interface IMessageHandler
{
    /// <summary>The handshake succeeded. Called once, before the first <see cref="OnMessage"/>.</summary>
    void OnConnected(Connection connection);

    /// <summary>A message arrived. Messages from one connection are delivered one at a time, in order.</summary>
    void OnMessage(Message message, Connection connection);

    /// <summary>
    /// A message given to <see cref="Connection.Send"/> was not (or not surely) sent: it could not be encoded, or
    /// the connection died with it queued. Lets the runtime fail the call now rather than at its timeout.
    /// Called synchronously from <see cref="Connection.Send"/> when the connection is already closed.
    /// </summary>
    void OnSendFailed(Message message, Connection connection, Exception reason);

    /// <summary>
    /// The connection is closed; called once, after every unsent message was reported. <paramref name="reason"/> is null
    /// when this side disposed the connection.
    /// </summary>
    void OnClosed(Connection connection, Exception? reason);
}
