using System.Buffers;
using System.Buffers.Binary;

namespace Deror.Docker;

/// <summary>
/// Splits the engine's multiplexed log stream (containers without a TTY): frames of an 8-byte header — stream type
/// (0 stdin, 1 stdout, 2 stderr, 3 the engine's own error), three zero bytes, a big-endian uint32 length — and payload.
/// </summary>
internal static class DockerLogStream
{
    private const int HeaderSize = 8;

    public static async Task ReadAsync(Stream stream, TailBuffer stdout, TailBuffer stderr, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderSize];
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (await ReadHeaderAsync(stream, header, cancellationToken))
            {
                if (header[0] > 3 || header[1] != 0 || header[2] != 0 || header[3] != 0)
                {
                    throw new DockerException("The container's log stream is not multiplexed (does it have a TTY?); this client reads containers created without one.");
                }
                var target = header[0] == 1 ? stdout : header[0] >= 2 ? stderr : null;
                var remaining = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
                while (remaining > 0)
                {
                    var read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(remaining, (uint)chunk.Length)), cancellationToken);
                    if (read == 0)
                    {
                        throw new DockerException("The container's log stream ended inside a frame.");
                    }
                    target?.Write(chunk.AsSpan(0, read));
                    remaining -= (uint)read;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Reads one frame header; false at the end of the stream.</summary>
    private static async Task<bool> ReadHeaderAsync(Stream stream, byte[] header, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < HeaderSize)
        {
            var read = await stream.ReadAsync(header.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                return filled == 0
                    ? false
                    : throw new DockerException("The container's log stream ended inside a frame header.");
            }
            filled += read;
        }
        return true;
    }
}
