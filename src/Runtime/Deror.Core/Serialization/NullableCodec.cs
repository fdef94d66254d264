namespace Deror.Serialization;

/// <summary>A presence byte, then the value with the codec of <typeparamref name="T"/>.</summary>
internal sealed class NullableCodec<T> : TypeCodec<T?>
    where T : struct
{
    private static TypeCodec<T> Inner => TypeCodecCache<T>.Instance;

    public override bool IsImmutable => Inner.IsImmutable;

    public override void Write(BinaryCodec codec, CodecWriter writer, T? value)
    {
        if (value is not { } present)
        {
            writer.WriteByte(0);
            return;
        }
        writer.WriteByte(1);
        Inner.Write(codec, writer, present);
    }

    public override T? Read(BinaryCodec codec, ref CodecReader reader) => reader.ReadByte() switch
    {
        0 => null,
        1 => Inner.Read(codec, ref reader),
        var other => throw new SerializationException($"Invalid nullable marker {other} at offset {reader.Position - 1}."),
    };

    public override T? DeepCopy(BinaryCodec codec, T? value) => value is { } present ? Inner.DeepCopy(codec, present) : null;
}
