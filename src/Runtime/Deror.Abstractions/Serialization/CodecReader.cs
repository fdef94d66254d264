using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Deror.Serialization;

/// <summary>Reads what <see cref="CodecWriter"/> wrote. Every read is bounds-checked: truncated input throws <see cref="SerializationException"/>.</summary>
public ref struct CodecReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public CodecReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public readonly bool End => _position >= _data.Length;

    public byte ReadByte()
    {
        Need(1);
        return _data[_position++];
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0)
        {
            throw new SerializationException($"Negative length {count} at offset {_position}.");
        }
        Need(count);
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }

    public int ReadInt32()
    {
        Need(4);
        var value = BinaryPrimitives.ReadInt32LittleEndian(_data[_position..]);
        _position += 4;
        return value;
    }

    public long ReadInt64()
    {
        Need(8);
        var value = BinaryPrimitives.ReadInt64LittleEndian(_data[_position..]);
        _position += 8;
        return value;
    }

    public uint ReadUInt32()
    {
        Need(4);
        var value = BinaryPrimitives.ReadUInt32LittleEndian(_data[_position..]);
        _position += 4;
        return value;
    }

    public double ReadDouble() => BitConverter.Int64BitsToDouble(ReadInt64());

    public ulong ReadVarUInt64()
    {
        // Most varints on the wire (lengths, flags, small ids) fit one byte.
        if ((uint)_position < (uint)_data.Length && _data[_position] < 0x80)
        {
            return _data[_position++];
        }
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
        throw new SerializationException($"Malformed varint ending at offset {_position}.");
    }

    public uint ReadVarUInt32()
    {
        var value = ReadVarUInt64();
        return value <= uint.MaxValue ? (uint)value : throw new SerializationException($"Varint {value} does not fit 32 bits at offset {_position}.");
    }

    public long ReadVarInt64()
    {
        var raw = ReadVarUInt64();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>Reads bytes written by <see cref="CodecWriter.WriteLengthPrefixed"/>; <paramref name="isNull"/> tells a null from an empty value.</summary>
    public ReadOnlySpan<byte> ReadLengthPrefixed(out bool isNull)
    {
        var prefix = ReadVarUInt32();
        isNull = prefix == 0;
        return isNull ? default : ReadBytes(checked((int)(prefix - 1)));
    }

    public string? ReadString()
    {
        var bytes = ReadLengthPrefixed(out var isNull);
        if (isNull)
        {
            return null;
        }
        try
        {
            return Encoding.UTF8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new SerializationException($"Invalid UTF-8 string ending at offset {_position}.", e);
        }
    }

    private readonly void Need(int count)
    {
        if (_data.Length - _position < count)
        {
            ThrowTruncated(count, _position, _data.Length - _position);
        }
    }

    // Kept out of Need so that every read's bounds check stays small enough to inline.
    [DoesNotReturn]
    private static void ThrowTruncated(int count, int position, int left)
        => throw new SerializationException($"Payload truncated: needed {count} byte(s) at offset {position}, {left} left.");
}
