using System.Buffers;
using System.Buffers.Binary;

namespace Deror.Benchmarks.Remote;

/// <summary>The raw baseline's wire format: a 4-byte little-endian length, then the payload (as Deror frames messages).</summary>
public static class RawFraming
{
    private const int HeaderSize = sizeof(int);

    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        if (buffer.Length < HeaderSize)
        {
            return false;
        }
        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (buffer.Length - HeaderSize < length)
        {
            return false;
        }
        payload = buffer.Slice(HeaderSize, length);
        buffer = buffer.Slice(HeaderSize + length);
        return true;
    }

    /// <summary>Appends one frame to <paramref name="output"/> without flushing, so many frames go out in one send.</summary>
    public static void WriteFrame(IBufferWriter<byte> output, ReadOnlySequence<byte> payload)
    {
        var length = (int)payload.Length;
        var span = output.GetSpan(HeaderSize + length);
        BinaryPrimitives.WriteInt32LittleEndian(span, length);
        payload.CopyTo(span[HeaderSize..]);
        output.Advance(HeaderSize + length);
    }
}
