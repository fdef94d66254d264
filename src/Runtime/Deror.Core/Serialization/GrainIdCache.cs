using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Deror.Serialization;

/// <summary>
/// Recently decoded grain ids by their wire bytes. Most messages name the same few ids (a hot grain, the calling
/// client), and decoding one means decoding its key string and hashing type and key; a hit costs a hash of the
/// bytes and a compare instead.
/// </summary>
internal static class GrainIdCache
{
    // Direct-mapped: a collision only replaces an entry, so the cache stays small and needs no lock.
    private const int Slots = 1024;
    private const int MaxCachedLength = 128;

    private static readonly Entry?[] Entries = new Entry?[Slots];

    // The hash last missed in each slot: an id is cached on its second miss in a row there, so a stream of ids
    // that never repeat allocates no entries.
    private static readonly ulong[] LastMiss = new ulong[Slots];

    /// <summary>
    /// The id whose type and key were written as <paramref name="type"/> and <paramref name="key"/> (UTF-8);
    /// throws <see cref="ArgumentException"/> for an invalid type name.
    /// </summary>
    public static GrainId Get(ReadOnlySpan<byte> type, ReadOnlySpan<byte> key)
    {
        if (type.Length + key.Length > MaxCachedLength)
        {
            return Decode(type, key);
        }
        var hash = Hash(type, key);
        var slot = (int)(hash % Slots);
        var entry = Volatile.Read(ref Entries[slot]);
        if (entry is not null && entry.Matches(type, key))
        {
            return entry.Id;
        }
        var id = Decode(type, key);
        if (Interlocked.Exchange(ref LastMiss[slot], hash) == hash)
        {
            Volatile.Write(ref Entries[slot], new Entry([.. type, .. key], type.Length, id));
        }
        return id;
    }

    private static GrainId Decode(ReadOnlySpan<byte> type, ReadOnlySpan<byte> key)
        => new(GrainTypeCache.Get(type), Encoding.UTF8.GetString(key));

    private static ulong Hash(ReadOnlySpan<byte> type, ReadOnlySpan<byte> key)
        => Mix(Mix((ulong)type.Length << 32 | (uint)key.Length, type), key);

    private static ulong Mix(ulong hash, ReadOnlySpan<byte> data)
    {
        const ulong Multiplier = 0x9E3779B97F4A7C15;
        while (data.Length >= sizeof(ulong))
        {
            hash = BitOperations.RotateLeft((hash ^ BinaryPrimitives.ReadUInt64LittleEndian(data)) * Multiplier, 29);
            data = data[sizeof(ulong)..];
        }
        foreach (var b in data)
        {
            hash = BitOperations.RotateLeft((hash ^ b) * Multiplier, 29);
        }
        return hash ^ (hash >> 32);
    }

    private sealed class Entry(byte[] bytes, int typeLength, GrainId id)
    {
        public GrainId Id { get; } = id;

        public bool Matches(ReadOnlySpan<byte> type, ReadOnlySpan<byte> key)
            => type.Length == typeLength
            && bytes.Length == typeLength + key.Length
            && type.SequenceEqual(bytes.AsSpan(0, typeLength))
            && key.SequenceEqual(bytes.AsSpan(typeLength));
    }
}
