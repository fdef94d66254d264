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
    public static uint Compute(string value) => Mix(Append(FnvOffset, value));

    public static uint Compute(ReadOnlySpan<byte> data) => Mix(Append(FnvOffset, data));

    /// <summary>
    /// The same as <see cref="Compute(string)"/> of <c>first + "/" + second</c>, without building that string
    /// (grain ids hash this way on every decode).
    /// </summary>
    public static uint ComputeJoined(string first, string second)
    {
        var hash = Append(FnvOffset, first);
        hash = (hash ^ '/') * FnvPrime;
        return Mix(Append(hash, second));
    }

    // An ASCII char is its own UTF-8 byte, so most strings hash without encoding. UTF-8 never splits a string
    // between two appends differently from the joined string here: '/' separates them, so a lone surrogate at
    // either edge encodes to the replacement character either way.
    private static uint Append(uint hash, string value)
    {
        var ascii = hash;
        foreach (var c in value)
        {
            if (c >= 0x80)
            {
                return AppendUtf8(hash, value);
            }
            ascii = (ascii ^ c) * FnvPrime;
        }
        return ascii;
    }

    private static uint AppendUtf8(uint hash, string value)
    {
        Span<byte> stack = stackalloc byte[256];
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var buffer = max <= stack.Length ? stack : new byte[max];
        var length = Encoding.UTF8.GetBytes(value, buffer);
        return Append(hash, buffer[..length]);
    }

    private static uint Append(uint hash, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            hash = (hash ^ b) * FnvPrime;
        }
        return hash;
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
