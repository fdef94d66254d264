namespace Deror.Serialization;

/// <summary>An exception passed as a value (an argument or a DTO-less result) uses the exception encoding.</summary>
internal sealed class ExceptionValueCodec<T> : TypeCodec<T>
    where T : Exception
{
    // Exceptions carry their (remote) stack trace; a round-trip copy would flatten it, so they are shared.
    public override bool IsImmutable => true;

    public override void Write(BinaryCodec codec, CodecWriter writer, T value)
    {
        if (value is null)
        {
            writer.WriteByte(0);
            return;
        }
        writer.WriteByte(1);
        codec.WriteException(writer, value);
    }

    public override T Read(BinaryCodec codec, ref CodecReader reader)
    {
        switch (reader.ReadByte())
        {
            case 0:
                return null!;
            case 1:
                var exception = codec.ReadException(ref reader);
                return exception as T
                    ?? throw new SerializationException($"Received a {exception.GetType()} where a {typeof(T)} was expected: {exception.Message}");
            case var other:
                throw new SerializationException($"Invalid exception marker {other} at offset {reader.Position - 1}.");
        }
    }
}
