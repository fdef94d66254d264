namespace Deror;

/// <summary>Base class of the runtime's own exceptions.</summary>
public class DerorException : Exception
{
    public DerorException() { }

    public DerorException(string message) : base(message) { }

    public DerorException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>A message could not be delivered (no gateway, target silo gone, connection lost).</summary>
public class DerorMessageDeliveryException : DerorException
{
    public DerorMessageDeliveryException(string message) : base(message) { }

    public DerorMessageDeliveryException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>
/// A grain threw an exception whose type cannot be recreated on this side (unknown type, or no usable
/// constructor). The original type name and message are kept.
/// </summary>
public class RemoteGrainException : DerorException
{
    public RemoteGrainException(string originalTypeName, string message, string? remoteStackTrace)
        : base(message)
    {
        OriginalTypeName = originalTypeName;
        RemoteStackTrace = remoteStackTrace;
    }

    public string OriginalTypeName { get; }

    public string? RemoteStackTrace { get; }
}

/// <summary>A payload could not be decoded: unknown type or method id, truncated or malformed bytes.</summary>
public class SerializationException : DerorException
{
    public SerializationException(string message) : base(message) { }

    public SerializationException(string message, Exception? innerException) : base(message, innerException) { }
}
