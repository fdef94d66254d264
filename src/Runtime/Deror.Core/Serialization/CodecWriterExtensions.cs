using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Deror.Serialization;

internal static class CodecWriterExtensions
{
    /// <summary>
    /// Overwrites four already-written bytes: used to fill in a length placeholder once the value after it is
    /// written. The writer's buffer is ours, so writing through its read-only view is safe.
    /// </summary>
    public static void PatchInt32(this CodecWriter writer, int offset, int value)
        => BinaryPrimitives.WriteInt32LittleEndian(MemoryMarshal.AsMemory(writer.WrittenMemory).Span.Slice(offset, sizeof(int)), value);
}
