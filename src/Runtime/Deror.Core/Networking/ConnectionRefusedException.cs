namespace Deror.Networking;

/// <summary>
/// The listener read this side's handshake and turned the connection down (e.g. a gateway that needs a token the
/// client did not present). Retrying with the same handshake cannot succeed, so callers fail at once.
/// </summary>
public sealed class ConnectionRefusedException : DerorMessageDeliveryException
{
    public ConnectionRefusedException(string reason)
        : base(reason)
    {
        Reason = reason;
    }

    public ConnectionRefusedException(string message, string reason, Exception? innerException)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Why the peer refused, in its own words.</summary>
    public string Reason { get; }
}
