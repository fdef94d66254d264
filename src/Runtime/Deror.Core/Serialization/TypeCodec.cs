namespace Deror.Serialization;

/// <summary>
/// How <see cref="BinaryCodec"/> encodes one static type. One instance per type, chosen once by
/// <see cref="TypeCodecFactory"/>, so the call path is a static field load and a virtual call: no reflection, no boxing.
/// </summary>
internal abstract class TypeCodec<T>
{
    /// <summary>Whether <typeparamref name="T"/> is marked <see cref="Concurrency.ImmutableAttribute"/> (a promise by its author).</summary>
    protected static readonly bool DeclaredImmutable = typeof(T).IsDefined(typeof(Concurrency.ImmutableAttribute), inherit: false);

    /// <summary>True when values of this type can be shared between grains without copying.</summary>
    public virtual bool IsImmutable => false;

    public abstract void Write(BinaryCodec codec, CodecWriter writer, T value);

    public abstract T Read(BinaryCodec codec, ref CodecReader reader);

    public virtual T DeepCopy(BinaryCodec codec, T value) => IsImmutable ? value : codec.RoundTrip(value);
}

/// <summary>A codec for a type whose values never change after creation.</summary>
internal abstract class ImmutableTypeCodec<T> : TypeCodec<T>
{
    public sealed override bool IsImmutable => true;
}

/// <summary>The codec of <typeparamref name="T"/>, created on first use.</summary>
internal static class TypeCodecCache<T>
{
    public static readonly TypeCodec<T> Instance = (TypeCodec<T>)TypeCodecFactory.Create(typeof(T));
}
