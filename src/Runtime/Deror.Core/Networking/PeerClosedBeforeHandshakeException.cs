namespace Deror.Networking;

/// <summary>
/// The peer connected and closed without sending anything: a port probe or health check, not a protocol error,
/// so it is logged quietly.
/// </summary>
public sealed class PeerClosedBeforeHandshakeException() : DerorException("The peer closed the connection before sending a handshake.");
