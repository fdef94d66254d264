using Deror.Invocation;

namespace Deror.Messaging;

/// <summary>
/// The envelope of every grain call and response, inside a silo and on the wire. Addresses are explicit
/// (target grain, optional target silo/activation, sender) so routing works the same with one silo or many.
/// </summary>
public sealed class Message
{
    /// <summary>Correlation id, unique per sender; a response carries the id of its request.</summary>
    public long Id { get; set; }

    public MessageDirection Direction { get; set; }

    public GrainId TargetGrain { get; set; }

    /// <summary>The silo the sender believes hosts the target; null when the sender does not know (a client, or first call).</summary>
    public SiloAddress? TargetSilo { get; set; }

    /// <summary>The activation the sender addressed (responses, forwarded requests); null for "whichever is current".</summary>
    public ActivationId? TargetActivation { get; set; }

    /// <summary>The calling grain (for call-chain diagnostics), or the client id for gateway clients.</summary>
    public GrainId? SendingGrain { get; set; }

    public SiloAddress? SendingSilo { get; set; }

    /// <summary>Copied from the request's descriptor so routing and scheduling need not decode the body.</summary>
    public InvokeMethodFlags Flags { get; set; }

    /// <summary>UTC ticks after which the request is dropped instead of run (the caller has given up); 0 = never.</summary>
    public long ExpiresAtUtcTicks { get; set; }

    /// <summary>How often this request was forwarded because the activation moved; bounded to stop loops.</summary>
    public int ForwardCount { get; set; }

    /// <summary>W3C trace context of the caller's span (<c>traceparent</c> / <c>tracestate</c>).</summary>
    public string? TraceParent { get; set; }

    public string? TraceState { get; set; }

    /// <summary>The call, for <see cref="MessageDirection.Request"/> and <see cref="MessageDirection.OneWay"/>.</summary>
    public Request? Request { get; set; }

    /// <summary>For responses: how the call ended.</summary>
    public ResponseStatus Status { get; set; }

    /// <summary>For a local <see cref="ResponseStatus.Success"/> response: the (copied) result.</summary>
    public object? Result { get; set; }

    /// <summary>For <see cref="ResponseStatus.Error"/> and <see cref="ResponseStatus.Rejected"/>: the exception to raise at the caller.</summary>
    public Exception? Exception { get; set; }

    /// <summary>For a success response received from the wire: the encoded result, decoded by the caller who knows the request type.</summary>
    public ReadOnlyMemory<byte> ResultPayload { get; set; }

    public bool IsExpired(long nowUtcTicks) => ExpiresAtUtcTicks != 0 && nowUtcTicks > ExpiresAtUtcTicks;

    /// <summary>A response addressed back to the sender of this request.</summary>
    public Message CreateResponse(ResponseStatus status) => new()
    {
        Id = Id,
        Direction = MessageDirection.Response,
        TargetGrain = SendingGrain ?? default,
        TargetSilo = SendingSilo,
        Status = status,
    };

    public override string ToString() => Direction == MessageDirection.Response
        ? $"Response #{Id} {Status} -> {TargetGrain}"
        : $"{Direction} #{Id} {Request} -> {TargetGrain}";
}

public enum MessageDirection : byte
{
    Request = 1,
    Response = 2,
    OneWay = 3,
}

public enum ResponseStatus : byte
{
    None = 0,
    Success = 1,

    /// <summary>The grain method threw; the exception is the grain's.</summary>
    Error = 2,

    /// <summary>The runtime refused or could not deliver the call (unknown grain type, activation failed, shutting down, expired).</summary>
    Rejected = 3,
}
