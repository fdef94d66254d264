namespace Deror.Networking;

/// <summary>A peer broke the wire protocol (bad frame length, handshake, truncated frame); its connection is closed.</summary>
public sealed class ConnectionProtocolException(string message, Exception? innerException = null)
    : DerorException(message, innerException);
