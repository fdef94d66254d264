namespace Deror.Serialization;

// Binary fast paths of the built-in value types. Integers are zig-zag/LEB128 varints (small values are one
// byte); every narrowing read is range-checked so a corrupt payload fails instead of wrapping around.

internal sealed class BooleanCodec : ImmutableTypeCodec<bool>
{
    public override void Write(BinaryCodec codec, CodecWriter writer, bool value) => writer.WriteByte(value ? (byte)1 : (byte)0);

    public override bool Read(BinaryCodec codec, ref CodecReader reader) => reader.ReadByte() switch
    {
        0 => false,
        1 => true,
        var other => throw new SerializationException($"Invalid boolean byte {other} at offset {reader.Position - 1}."),
    };
}

internal sealed class ByteCodec : ImmutableTypeCodec<byte>
{
    public override void Write(BinaryCodec codec, CodecWriter writer, byte value) => writer.WriteByte(value);

    public override byte Read(BinaryCodec codec, ref CodecReader reader) => reader.ReadByte();
}

internal sealed class SByteCodec : ImmutableTypeCodec<sbyte>
{
    public override void Write(BinaryCodec codec, CodecWriter writer, sbyte value) => writer.WriteByte((byte)value);

    public override sbyte Read(BinaryCodec codec, ref CodecReader reader) => (sbyte)reader.ReadByte();
}

internal sealed class Int16Codec : ImmutableTypeCodec<short>
{
    public override void Write(BinaryCodec codec, CodecWriter writer, short value) => writer.WriteVarInt64(value);

    public override short Read(BinaryCodec codec, ref CodecReader reader) => (short)VarInts.ReadSigned(ref reader, short.MinValue, short.MaxValue, "Int16");
}

internal sealed class UInt16Codec : ImmutableTypeCodec<ushort>
{
    public override void Write(BinaryCodec codec, CodecWriter writer, ushort value) => writer.WriteVarUInt32(value);

    public override ushort Read(BinaryCodec codec, ref CodecReader reader) => (ushort)VarInts.ReadUnsigned(ref reader, ushort.MaxValue, "UInt16");
}

internal sealed class Int32Codec : ImmutableTypeCodec<int>
{
    public override void Write(BinaryCodec codec, CodecWriter writer, int value) => writer.WriteVarInt64(value);

    public override int Read(BinaryCodec codec, ref CodecReader reader) => (int)VarInts.ReadSigned(ref reader, int.MinValue, int.MaxValue, "Int32");
}

internal sealed class UInt32Codec : ImmutableTypeCodec<uint>
{
    public override void Write(BinaryCodec codec, CodecWriter writer, uint value) => writer.WriteVarUInt32(value);

    public override uint Read(BinaryCodec codec, ref CodecReader reader) => reader.ReadVarUInt32();
}

internal sealed class Int64Codec : ImmutableTypeCodec<long>
{
    public override void Write(BinaryCodec codec, CodecWriter writer, long value) => writer.WriteVarInt64(value);

    public override long Read(BinaryCodec codec, ref CodecReader reader) => reader.ReadVarInt64();
}

internal sealed class UInt64Codec : ImmutableTypeCodec<ulong>
{
    public override void Write(BinaryCodec codec, CodecWriter writer, ulong value) => writer.WriteVarUInt64(value);

    public override ulong Read(BinaryCodec codec, ref CodecReader reader) => reader.ReadVarUInt64();
}

internal sealed class SingleCodec : ImmutableTypeCodec<float>
{
    public override void Write(BinaryCodec codec, CodecWriter writer, float value) => writer.WriteInt32(BitConverter.SingleToInt32Bits(value));

    public override float Read(BinaryCodec codec, ref CodecReader reader) => BitConverter.Int32BitsToSingle(reader.ReadInt32());
}

internal sealed class DoubleCodec : ImmutableTypeCodec<double>
{
    public override void Write(BinaryCodec codec, CodecWriter writer, double value) => writer.WriteDouble(value);

    public override double Read(BinaryCodec codec, ref CodecReader reader) => reader.ReadDouble();
}

internal sealed class DecimalCodec : ImmutableTypeCodec<decimal>
{
    public override void Write(BinaryCodec codec, CodecWriter writer, decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        foreach (var part in bits)
        {
            writer.WriteInt32(part);
        }
    }

    public override decimal Read(BinaryCodec codec, ref CodecReader reader)
    {
        Span<int> bits = stackalloc int[4];
        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = reader.ReadInt32();
        }
        try
        {
            return new decimal(bits);
        }
        catch (ArgumentException e)
        {
            throw new SerializationException("Invalid decimal bits.", e);
        }
    }
}

internal sealed class CharCodec : ImmutableTypeCodec<char>
{
    public override void Write(BinaryCodec codec, CodecWriter writer, char value) => writer.WriteVarUInt32(value);

    public override char Read(BinaryCodec codec, ref CodecReader reader) => (char)VarInts.ReadUnsigned(ref reader, char.MaxValue, "Char");
}

internal sealed class StringCodec : ImmutableTypeCodec<string>
{
    public override void Write(BinaryCodec codec, CodecWriter writer, string value) => writer.WriteString(value);

    public override string Read(BinaryCodec codec, ref CodecReader reader) => reader.ReadString()!;
}

internal sealed class GuidCodec : ImmutableTypeCodec<Guid>
{
    private const int Size = 16;

    public override void Write(BinaryCodec codec, CodecWriter writer, Guid value)
    {
        value.TryWriteBytes(writer.GetSpan(Size));
        writer.Advance(Size);
    }

    public override Guid Read(BinaryCodec codec, ref CodecReader reader) => new(reader.ReadBytes(Size));
}

internal sealed class DateTimeCodec : ImmutableTypeCodec<DateTime>
{
    // ToBinary keeps the Kind, so Utc, Local and Unspecified values all round-trip.
    public override void Write(BinaryCodec codec, CodecWriter writer, DateTime value) => writer.WriteInt64(value.ToBinary());

    public override DateTime Read(BinaryCodec codec, ref CodecReader reader)
    {
        var raw = reader.ReadInt64();
        try
        {
            return DateTime.FromBinary(raw);
        }
        catch (ArgumentException e)
        {
            throw new SerializationException($"Invalid DateTime value {raw}.", e);
        }
    }
}

internal sealed class DateTimeOffsetCodec : ImmutableTypeCodec<DateTimeOffset>
{
    public override void Write(BinaryCodec codec, CodecWriter writer, DateTimeOffset value)
    {
        writer.WriteInt64(value.Ticks);
        writer.WriteVarInt64(value.Offset.Ticks);
    }

    public override DateTimeOffset Read(BinaryCodec codec, ref CodecReader reader)
    {
        var ticks = reader.ReadInt64();
        var offset = reader.ReadVarInt64();
        try
        {
            return new DateTimeOffset(ticks, TimeSpan.FromTicks(offset));
        }
        catch (ArgumentException e)
        {
            throw new SerializationException($"Invalid DateTimeOffset (ticks {ticks}, offset {offset}).", e);
        }
    }
}

internal sealed class TimeSpanCodec : ImmutableTypeCodec<TimeSpan>
{
    public override void Write(BinaryCodec codec, CodecWriter writer, TimeSpan value) => writer.WriteVarInt64(value.Ticks);

    public override TimeSpan Read(BinaryCodec codec, ref CodecReader reader) => TimeSpan.FromTicks(reader.ReadVarInt64());
}

internal sealed class ByteArrayCodec : TypeCodec<byte[]>
{
    public override void Write(BinaryCodec codec, CodecWriter writer, byte[] value) => writer.WriteLengthPrefixed(value, value is null);

    public override byte[] Read(BinaryCodec codec, ref CodecReader reader)
    {
        var bytes = reader.ReadLengthPrefixed(out var isNull);
        return isNull ? null! : bytes.ToArray();
    }

    public override byte[] DeepCopy(BinaryCodec codec, byte[] value) => value is null ? null! : (byte[])value.Clone();
}

internal sealed class GrainIdCodec : ImmutableTypeCodec<GrainId>
{
    public override void Write(BinaryCodec codec, CodecWriter writer, GrainId value) => WireIdentity.WriteGrainId(writer, value);

    public override GrainId Read(BinaryCodec codec, ref CodecReader reader) => WireIdentity.ReadGrainId(ref reader);
}

/// <summary>Range-checked narrowing of varints.</summary>
internal static class VarInts
{
    public static long ReadSigned(ref CodecReader reader, long min, long max, string typeName)
    {
        var value = reader.ReadVarInt64();
        return value >= min && value <= max
            ? value
            : throw new SerializationException($"Value {value} is out of range for {typeName} at offset {reader.Position}.");
    }

    public static ulong ReadUnsigned(ref CodecReader reader, ulong max, string typeName)
    {
        var value = reader.ReadVarUInt64();
        return value <= max
            ? value
            : throw new SerializationException($"Value {value} is out of range for {typeName} at offset {reader.Position}.");
    }
}
