using System.Text;

namespace Deror.Serialization;

/// <summary>
/// Decoded grain types by their UTF-8 bytes. Every message names one or two grain types and a process sees only a
/// handful, so decoding and validating the same few strings on every message is wasted work.
/// </summary>
internal static class GrainTypeCache
{
    // Direct-mapped: a collision only replaces an entry, so the cache stays small and needs no lock.
    private const int Slots = 64;
    private const int MaxCachedLength = 256;

    private static readonly Entry?[] Entries = new Entry?[Slots];

    /// <summary>The grain type written as <paramref name="utf8"/>; throws <see cref="ArgumentException"/> for an invalid name.</summary>
    public static GrainType Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxCachedLength)
        {
            return new GrainType(Encoding.UTF8.GetString(utf8));
        }
        var hash = new HashCode();
        hash.AddBytes(utf8);
        var slot = (int)((uint)hash.ToHashCode() % Slots);
        var entry = Volatile.Read(ref Entries[slot]);
        if (entry is not null && utf8.SequenceEqual(entry.Utf8))
        {
            return entry.Type;
        }
        var type = new GrainType(Encoding.UTF8.GetString(utf8));
        Volatile.Write(ref Entries[slot], new Entry(utf8.ToArray(), type));
        return type;
    }

    private sealed record Entry(byte[] Utf8, GrainType Type);
}
