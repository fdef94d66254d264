using System.Text;

namespace Deror;

/// <summary>
/// A hash that is the same in every process and on every machine (string.GetHashCode is randomized per process).
/// Grain ids, reminder ranges and placement all depend on it, so it must never change.
/// </summary>
public static class StableHash
{
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;

    /// <summary>FNV-1a over the UTF-8 bytes of <paramref name="value"/>, finished with a murmur mix for spread.</summary>
    public static uint Compute(string value)
    {
        Span<byte> stack = stackalloc byte[256];
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var buffer = max <= stack.Length ? stack : new byte[max];
        var length = Encoding.UTF8.GetBytes(value, buffer);
        return Compute(buffer[..length]);
    }

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var hash = FnvOffset;
        foreach (var b in data)
        {
            hash = (hash ^ b) * FnvPrime;
        }
        return Mix(hash);
    }

    private static uint Mix(uint h)
    {
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return h;
    }
}
