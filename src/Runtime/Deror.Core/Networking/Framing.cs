using System.Buffers;
using System.Buffers.Binary;

namespace Deror.Networking;

/// <summary>Every frame is a 4-byte little-endian payload length, then the payload.</summary>
internal static class Framing
{
    public const int HeaderSize = sizeof(int);

    /// <summary>
    /// Takes one whole frame off the front of <paramref name="buffer"/> if it is all there. Throws
    /// <see cref="ConnectionProtocolException"/> for a length that is not positive or exceeds <paramref name="maxPayloadSize"/>.
    /// </summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxPayloadSize, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        if (buffer.Length < HeaderSize)
        {
            return false;
        }
        var length = ReadLength(buffer);
        if (length <= 0 || length > maxPayloadSize)
        {
            throw new ConnectionProtocolException($"Invalid frame length {length} (must be 1..{maxPayloadSize}).");
        }
        if (buffer.Length - HeaderSize < length)
        {
            return false;
        }
        payload = buffer.Slice(HeaderSize, length);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    // The header is almost always inside the first segment; only a header split across segments needs a copy.
    private static int ReadLength(in ReadOnlySequence<byte> buffer)
    {
        var first = buffer.FirstSpan;
        if (first.Length >= HeaderSize)
        {
            return BinaryPrimitives.ReadInt32LittleEndian(first);
        }
        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        return BinaryPrimitives.ReadInt32LittleEndian(header);
    }
}
