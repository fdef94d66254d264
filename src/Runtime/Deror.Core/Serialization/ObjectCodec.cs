using Deror.Invocation;

namespace Deror.Serialization;

/// <summary>
/// Reference types without a fast path: a marker byte, then JSON of the static type, or — when the value is of
/// a different runtime type — the runtime type's name and the value encoded as that type.
/// </summary>
internal sealed class ObjectCodec<T> : TypeCodec<T>
    where T : class
{
    private const byte Null = 0;
    private const byte StaticType = 1;
    private const byte NamedType = 2;
    private const byte GrainReferenceValue = 3;
    private const byte ExceptionValue = 4;

    // STJ reads generic collection interfaces (IList<T>, IReadOnlyDictionary<K,V>, ...) back as List/Dictionary/
    // HashSet, which satisfy them; naming the runtime type would only add bytes.
    private static readonly bool StaticShapeSuffices = typeof(T).IsInterface && typeof(T).Namespace == "System.Collections.Generic";

    public override void Write(BinaryCodec codec, CodecWriter writer, T value)
    {
        if (value is null)
        {
            writer.WriteByte(Null);
            return;
        }
        var runtimeType = value.GetType();
        if (runtimeType == typeof(T) || StaticShapeSuffices)
        {
            writer.WriteByte(StaticType);
            codec.WriteJson(writer, value);
            return;
        }
        switch (value)
        {
            case GrainReference:
                writer.WriteByte(GrainReferenceValue);
                GrainReferenceEncoding.Write(writer, value, typeof(T));
                return;
            case Exception exception:
                writer.WriteByte(ExceptionValue);
                codec.WriteException(writer, exception);
                return;
        }
        if (WireTypes.TryGetWritable(runtimeType) is { } wireType)
        {
            writer.WriteByte(NamedType);
            writer.WriteString(wireType.Name);
            wireType.Codec.Write(codec, writer, value);
            return;
        }
        if (typeof(T) == typeof(object))
        {
            throw new SerializationException($"Values of type {runtimeType} cannot be sent: {WireTypes.Rule}");
        }
        // Not sendable by name: send what the declared type shows of it.
        writer.WriteByte(StaticType);
        codec.WriteJson(writer, value);
    }

    public override T Read(BinaryCodec codec, ref CodecReader reader)
    {
        var marker = reader.ReadByte();
        object? value = marker switch
        {
            Null => null,
            StaticType => codec.ReadJson<T>(ref reader),
            NamedType => ReadNamed(codec, ref reader),
            GrainReferenceValue => GrainReferenceEncoding.Read(codec.GrainReferenceResolver, ref reader),
            ExceptionValue => codec.ReadException(ref reader),
            _ => throw new SerializationException($"Invalid value marker {marker} at offset {reader.Position - 1}."),
        };
        return value is null or T
            ? (T)value!
            : throw new SerializationException($"Received a {value.GetType()} where a {typeof(T)} was expected.");
    }

    public override T DeepCopy(BinaryCodec codec, T value)
    {
        if (value is null || value is GrainReference or Exception)
        {
            return value!;
        }
        var runtimeType = value.GetType();
        if (runtimeType == typeof(T) && DeclaredImmutable)
        {
            return value;
        }
        if (runtimeType != typeof(T) && WireTypes.TryGetWritable(runtimeType) is { Codec.IsImmutable: true })
        {
            // A string or boxed primitive held as object: nothing to copy.
            return value;
        }
        return codec.RoundTrip(value);
    }

    private static object? ReadNamed(BinaryCodec codec, ref CodecReader reader)
    {
        var name = reader.ReadString() ?? throw new SerializationException($"Missing type name at offset {reader.Position}.");
        var wireType = WireTypes.ResolveReadable(name);
        if (!typeof(T).IsAssignableFrom(wireType.Type))
        {
            throw new SerializationException($"Type '{name}' is not a {typeof(T)}.");
        }
        return wireType.Codec.Read(codec, ref reader);
    }
}
