using System.Runtime.CompilerServices;

namespace Deror.Serialization;

/// <summary>An enum as its underlying integer (zig-zag varint). The size switch is a JIT-time constant.</summary>
internal sealed class EnumCodec<T> : ImmutableTypeCodec<T>
    where T : struct, Enum
{
    public override void Write(BinaryCodec codec, CodecWriter writer, T value)
    {
        long raw = Unsafe.SizeOf<T>() switch
        {
            1 => Unsafe.As<T, sbyte>(ref value),
            2 => Unsafe.As<T, short>(ref value),
            4 => Unsafe.As<T, int>(ref value),
            _ => Unsafe.As<T, long>(ref value),
        };
        writer.WriteVarInt64(raw);
    }

    public override T Read(BinaryCodec codec, ref CodecReader reader)
    {
        // Unsigned underlying types were sign-extended on write; truncating restores their bits.
        var raw = reader.ReadVarInt64();
        switch (Unsafe.SizeOf<T>())
        {
            case 1:
                var b = (sbyte)raw;
                return Unsafe.As<sbyte, T>(ref b);
            case 2:
                var s = (short)raw;
                return Unsafe.As<short, T>(ref s);
            case 4:
                var i = (int)raw;
                return Unsafe.As<int, T>(ref i);
            default:
                return Unsafe.As<long, T>(ref raw);
        }
    }
}
