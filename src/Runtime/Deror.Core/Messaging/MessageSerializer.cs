using Deror.Invocation;
using Deror.Serialization;

namespace Deror.Messaging;

/// <summary>
/// The wire format of <see cref="Message"/>: version, header (optional fields behind a presence mask), body.
/// A request body is its method id and arguments; a response body is its status and then either the encoded
/// result (left undecoded: only the caller knows its type) or the exception.
/// </summary>
public sealed class MessageSerializer(ICodec codec)
{
    public const byte FormatVersion = 1;

    private readonly ICodec _codec = codec ?? throw new ArgumentNullException(nameof(codec));

    [Flags]
    private enum Fields : uint
    {
        None = 0,
        TargetSilo = 1 << 0,
        TargetActivation = 1 << 1,
        SendingGrain = 1 << 2,
        SendingSilo = 1 << 3,
        ExpiresAt = 1 << 4,
        ForwardCount = 1 << 5,
        TraceParent = 1 << 6,
        TraceState = 1 << 7,
        All = (1 << 8) - 1,
    }

    /// <summary>
    /// Encodes <paramref name="message"/>. A success response carries its result either pre-encoded in
    /// <see cref="Message.ResultPayload"/> or as <see cref="Message.Result"/> together with the
    /// <see cref="Message.Request"/> that knows how to encode it (a void result needs neither).
    /// </summary>
    public void Write(Message message, CodecWriter writer)
    {
        writer.WriteByte(FormatVersion);
        writer.WriteByte((byte)message.Direction);
        writer.WriteVarInt64(message.Id);
        var fields = PresentFields(message);
        writer.WriteVarUInt32((uint)fields);
        writer.WriteVarUInt32((uint)message.Flags);
        WireIdentity.WriteGrainId(writer, message.TargetGrain);
        if ((fields & Fields.TargetSilo) != 0)
        {
            WireIdentity.WriteSiloAddress(writer, message.TargetSilo!);
        }
        if (message.TargetActivation is { } activation)
        {
            _codec.Write(writer, activation.Value);
        }
        if (message.SendingGrain is { } sendingGrain)
        {
            WireIdentity.WriteGrainId(writer, sendingGrain);
        }
        if ((fields & Fields.SendingSilo) != 0)
        {
            WireIdentity.WriteSiloAddress(writer, message.SendingSilo!);
        }
        if ((fields & Fields.ExpiresAt) != 0)
        {
            writer.WriteInt64(message.ExpiresAtUtcTicks);
        }
        if ((fields & Fields.ForwardCount) != 0)
        {
            writer.WriteVarInt64(message.ForwardCount);
        }
        if ((fields & Fields.TraceParent) != 0)
        {
            writer.WriteString(message.TraceParent);
        }
        if ((fields & Fields.TraceState) != 0)
        {
            writer.WriteString(message.TraceState);
        }
        if (message.Direction == MessageDirection.Response)
        {
            WriteResponseBody(message, writer);
        }
        else
        {
            WriteRequestBody(message, writer);
        }
    }

    /// <summary>Decodes one message; any malformed input throws <see cref="SerializationException"/>.</summary>
    public Message Read(ReadOnlySpan<byte> payload)
    {
        var reader = new CodecReader(payload);
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new SerializationException($"Unsupported message format version {version} (expected {FormatVersion}).");
        }
        var message = new Message
        {
            Direction = reader.ReadByte() switch
            {
                var d and >= (byte)MessageDirection.Request and <= (byte)MessageDirection.OneWay => (MessageDirection)d,
                var d => throw new SerializationException($"Invalid message direction {d}."),
            },
            Id = reader.ReadVarInt64(),
        };
        var fields = (Fields)reader.ReadVarUInt32();
        if ((fields & ~Fields.All) != 0)
        {
            throw new SerializationException($"Unknown header fields 0x{(uint)fields:x} in message #{message.Id}.");
        }
        message.Flags = (InvokeMethodFlags)reader.ReadVarUInt32();
        message.TargetGrain = WireIdentity.ReadGrainId(ref reader);
        if ((fields & Fields.TargetSilo) != 0)
        {
            message.TargetSilo = WireIdentity.ReadSiloAddress(ref reader);
        }
        if ((fields & Fields.TargetActivation) != 0)
        {
            message.TargetActivation = new ActivationId(_codec.Read<Guid>(ref reader));
        }
        if ((fields & Fields.SendingGrain) != 0)
        {
            message.SendingGrain = WireIdentity.ReadGrainId(ref reader);
        }
        if ((fields & Fields.SendingSilo) != 0)
        {
            message.SendingSilo = WireIdentity.ReadSiloAddress(ref reader);
        }
        if ((fields & Fields.ExpiresAt) != 0)
        {
            message.ExpiresAtUtcTicks = reader.ReadInt64();
        }
        if ((fields & Fields.ForwardCount) != 0)
        {
            message.ForwardCount = (int)VarInts.ReadSigned(ref reader, int.MinValue, int.MaxValue, "forward count");
        }
        if ((fields & Fields.TraceParent) != 0)
        {
            message.TraceParent = reader.ReadString();
        }
        if ((fields & Fields.TraceState) != 0)
        {
            message.TraceState = reader.ReadString();
        }
        if (message.Direction == MessageDirection.Response)
        {
            ReadResponseBody(message, ref reader);
        }
        else
        {
            ReadRequestBody(message, ref reader);
        }
        return message;
    }

    private static Fields PresentFields(Message message)
    {
        var fields = Fields.None;
        fields |= message.TargetSilo is not null ? Fields.TargetSilo : 0;
        fields |= message.TargetActivation is not null ? Fields.TargetActivation : 0;
        fields |= message.SendingGrain is not null ? Fields.SendingGrain : 0;
        fields |= message.SendingSilo is not null ? Fields.SendingSilo : 0;
        fields |= message.ExpiresAtUtcTicks != 0 ? Fields.ExpiresAt : 0;
        fields |= message.ForwardCount != 0 ? Fields.ForwardCount : 0;
        fields |= message.TraceParent is not null ? Fields.TraceParent : 0;
        fields |= message.TraceState is not null ? Fields.TraceState : 0;
        return fields;
    }

    private void WriteRequestBody(Message message, CodecWriter writer)
    {
        var request = message.Request ?? throw new ArgumentException($"{message.Direction} message #{message.Id} has no request.", nameof(message));
        writer.WriteUInt32(request.Descriptor.MethodId);
        request.WriteArguments(_codec, writer);
    }

    private void ReadRequestBody(Message message, ref CodecReader reader)
    {
        var methodId = reader.ReadUInt32();
        var request = GeneratedCodeRegistry.TryCreateRequest(methodId)
            ?? throw new SerializationException($"Unknown method id 0x{methodId:x8} in message #{message.Id}: no loaded grain interface declares it.");
        try
        {
            request.ReadArguments(_codec, ref reader);
        }
        catch (Exception e) when (e is not SerializationException and not OutOfMemoryException)
        {
            throw new SerializationException($"Cannot decode the arguments of {request} in message #{message.Id}: {e.Message}", e);
        }
        if (!reader.End)
        {
            throw new SerializationException($"{reader.Remaining} unexpected byte(s) after the arguments of {request} in message #{message.Id}.");
        }
        message.Request = request;
    }

    private void WriteResponseBody(Message message, CodecWriter writer)
    {
        writer.WriteByte((byte)message.Status);
        switch (message.Status)
        {
            case ResponseStatus.Success when !message.ResultPayload.IsEmpty:
                writer.WriteBytes(message.ResultPayload.Span);
                break;
            case ResponseStatus.Success when message.Request is { } request:
                request.WriteResult(_codec, writer, message.Result);
                break;
            case ResponseStatus.Success when message.Result is not null:
                throw new ArgumentException($"Response #{message.Id} has a result but neither its request nor an encoded payload.", nameof(message));
            case ResponseStatus.Error or ResponseStatus.Rejected:
                _codec.WriteException(writer, message.Exception
                    ?? new DerorException($"Response #{message.Id} was marked {message.Status} without an exception."));
                break;
        }
    }

    private void ReadResponseBody(Message message, ref CodecReader reader)
    {
        message.Status = reader.ReadByte() switch
        {
            var s and <= (byte)ResponseStatus.Rejected => (ResponseStatus)s,
            var s => throw new SerializationException($"Invalid response status {s} in message #{message.Id}."),
        };
        switch (message.Status)
        {
            case ResponseStatus.Success:
                // Copied: the frame buffer is reused once this returns.
                message.ResultPayload = reader.End ? ReadOnlyMemory<byte>.Empty : reader.ReadBytes(reader.Remaining).ToArray();
                break;
            case ResponseStatus.Error or ResponseStatus.Rejected:
                message.Exception = _codec.ReadException(ref reader);
                break;
        }
        if (!reader.End)
        {
            throw new SerializationException($"{reader.Remaining} unexpected byte(s) after the body of response #{message.Id}.");
        }
    }
}
