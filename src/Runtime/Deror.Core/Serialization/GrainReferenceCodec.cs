using Deror.Invocation;

namespace Deror.Serialization;

/// <summary>
/// A grain reference travels as its grain id and interface name; the receiver gets a live reference back from
/// its <see cref="IGrainReferenceResolver"/>.
/// </summary>
internal sealed class GrainReferenceCodec<T> : TypeCodec<T>
{
    public override bool IsImmutable => true;

    public override void Write(BinaryCodec codec, CodecWriter writer, T value)
    {
        if (value is null)
        {
            writer.WriteByte(0);
            return;
        }
        writer.WriteByte(1);
        GrainReferenceEncoding.Write(writer, value, typeof(T));
    }

    public override T Read(BinaryCodec codec, ref CodecReader reader)
    {
        switch (reader.ReadByte())
        {
            case 0:
                return default!;
            case 1:
                var reference = GrainReferenceEncoding.Read(codec.GrainReferenceResolver, ref reader);
                return reference is T typed
                    ? typed
                    : throw new SerializationException($"The grain reference {reference} is not a {typeof(T)}.");
            case var other:
                throw new SerializationException($"Invalid grain reference marker {other} at offset {reader.Position - 1}.");
        }
    }
}

internal static class GrainReferenceEncoding
{
    public static void Write(CodecWriter writer, object value, Type staticType)
    {
        if (value is not IGrainIdentity identity)
        {
            throw new SerializationException($"{value.GetType()} is not a grain or grain reference.");
        }
        var grainInterface = value switch
        {
            GrainReference reference => reference.InterfaceType,
            _ when staticType.IsInterface && staticType != typeof(IAddressable) => staticType,
            _ => throw new SerializationException(
                $"Cannot send the grain instance {value.GetType()} as a {staticType}: pass a grain reference, or declare the parameter as the grain interface."),
        };
        WireIdentity.WriteGrainId(writer, identity.GrainId);
        writer.WriteString(grainInterface.FullName);
    }

    public static IAddressable Read(IGrainReferenceResolver resolver, ref CodecReader reader)
    {
        var grainId = WireIdentity.ReadGrainId(ref reader);
        var interfaceName = reader.ReadString()
            ?? throw new SerializationException($"Grain reference without an interface name at offset {reader.Position}.");
        if (grainId.IsDefault)
        {
            throw new SerializationException($"Grain reference to '{interfaceName}' without a grain id.");
        }
        var grainInterface = WireTypes.ResolveGrainInterface(interfaceName);
        return resolver.GetGrain(grainInterface, grainId);
    }
}
