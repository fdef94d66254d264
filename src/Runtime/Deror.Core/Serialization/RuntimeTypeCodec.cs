namespace Deror.Serialization;

/// <summary>
/// The codec of a type known only at run time (a polymorphic value's runtime type), bridged to the generic
/// <see cref="TypeCodec{T}"/>. Created once per type with reflection, then called without it.
/// </summary>
internal abstract class RuntimeTypeCodec
{
    public abstract bool IsImmutable { get; }

    public abstract void Write(BinaryCodec codec, CodecWriter writer, object value);

    public abstract object? Read(BinaryCodec codec, ref CodecReader reader);

    public static RuntimeTypeCodec Create(Type type)
        => (RuntimeTypeCodec)Activator.CreateInstance(typeof(RuntimeTypeCodec<>).MakeGenericType(type))!;
}

internal sealed class RuntimeTypeCodec<T> : RuntimeTypeCodec
{
    public override bool IsImmutable => TypeCodecCache<T>.Instance.IsImmutable;

    public override void Write(BinaryCodec codec, CodecWriter writer, object value) => TypeCodecCache<T>.Instance.Write(codec, writer, (T)value);

    public override object? Read(BinaryCodec codec, ref CodecReader reader) => TypeCodecCache<T>.Instance.Read(codec, ref reader);
}
