using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Deror.Serialization;

/// <summary>
/// A growable byte buffer with little-endian and varint primitives. Rent one per message and
/// <see cref="Reset"/> it for reuse; the buffer comes from <see cref="ArrayPool{T}.Shared"/>.
/// </summary>
public sealed class CodecWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer;
    private int _length;

    public CodecWriter(int initialCapacity = 256)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public void Reset() => _length = 0;

    public byte[] ToArray() => WrittenSpan.ToArray();

    public void Advance(int count) => _length += count;

    /// <summary>Drops everything written after the first <paramref name="length"/> bytes (e.g. a record that failed to encode).</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _length);
        _length = length;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_length);
    }

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        Ensure(value.Length);
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
    }

    public void WriteInt32(int value)
    {
        Ensure(4);
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    /// <summary>Overwrites 4 already written bytes at <paramref name="position"/>, e.g. a length reserved before its record was written.</summary>
    public void WriteInt32At(int position, int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(position, _length - 4);
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(position), value);
    }

    public void WriteInt64(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void WriteDouble(double value) => WriteInt64(BitConverter.DoubleToInt64Bits(value));

    /// <summary>Unsigned LEB128.</summary>
    public void WriteVarUInt64(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_length++] = (byte)value;
    }

    public void WriteVarUInt32(uint value) => WriteVarUInt64(value);

    /// <summary>Zig-zag signed varint.</summary>
    public void WriteVarInt64(long value) => WriteVarUInt64((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>Length-prefixed bytes; null is written as length 0 with a distinct marker (varint 0 = null, n+1 = n bytes).</summary>
    public void WriteLengthPrefixed(ReadOnlySpan<byte> value, bool isNull = false)
    {
        if (isNull)
        {
            WriteVarUInt32(0);
            return;
        }
        WriteVarUInt32((uint)value.Length + 1);
        WriteBytes(value);
    }

    /// <summary>A UTF-8 string with a length prefix; null round-trips as null.</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteVarUInt32(0);
            return;
        }
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max < 128)
        {
            // Short strings: write the bytes after a one-byte length placeholder, then fill it in.
            Ensure(max + 1);
            var written = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length + 1));
            _buffer[_length] = (byte)(written + 1);
            _length += written + 1;
            return;
        }
        var count = Encoding.UTF8.GetByteCount(value);
        WriteVarUInt32((uint)count + 1);
        Ensure(count);
        Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
        _length += count;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Ensure(int count)
    {
        if (_buffer.Length - _length >= count)
        {
            return;
        }
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + Math.Max(count, 256)));
        _buffer.AsSpan(0, _length).CopyTo(next);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = next;
    }
}
