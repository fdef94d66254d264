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
        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length <= 0 || length > maxPayloadSize)
        {
            throw new ConnectionProtocolException($"Invalid frame length {length} (must be 1..{maxPayloadSize}).");
        }
        if (buffer.Length - HeaderSize < length)
        {
            return false;
        }
        payload = buffer.Slice(HeaderSize, length);
        buffer = buffer.Slice(HeaderSize + length);
        return true;
    }
}
