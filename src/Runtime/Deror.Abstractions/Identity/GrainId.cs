using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Deror;

/// <summary>
/// Identifies one grain in the cluster: its <see cref="GrainType"/> and its key. String, Guid and integer keys
/// are all held in their canonical string form, so ids compare, hash and serialize the same way everywhere.
/// </summary>
public readonly struct GrainId : IEquatable<GrainId>
{
    private readonly uint _hash;

    public GrainId(GrainType type, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Type = type;
        Key = key;
        _hash = StableHash.ComputeJoined(type.Value, key);
    }

    public GrainType Type { get; }

    public string Key { get; }

    public bool IsDefault => Key is null;

    public static GrainId Create(GrainType type, string key) => new(type, key);

    public static GrainId Create(GrainType type, Guid key) => new(type, key.ToString("N"));

    public static GrainId Create(GrainType type, long key) => new(type, key.ToString(CultureInfo.InvariantCulture));

    /// <summary>A hash that is stable across processes; used for reminder/job ranges and hash placement.</summary>
    public uint GetUniformHashCode() => _hash;

    public Guid GetGuidKey() => Guid.TryParseExact(Key, "N", out var g)
        ? g
        : throw new InvalidOperationException($"Grain {this} does not have a Guid key.");

    public long GetIntegerKey() => long.TryParse(Key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
        ? l
        : throw new InvalidOperationException($"Grain {this} does not have an integer key.");

    public override string ToString() => $"{Type.Value}/{Key}";

    /// <summary>Parses the form written by <see cref="ToString"/>: <c>type/key</c> (the key may contain '/').</summary>
    public static GrainId Parse(string value) => TryParse(value, out var id)
        ? id
        : throw new FormatException($"'{value}' is not a grain id of the form 'type/key'.");

    public static bool TryParse([NotNullWhen(true)] string? value, out GrainId id)
    {
        id = default;
        var slash = value?.IndexOf('/') ?? -1;
        if (value is null || slash <= 0)
        {
            return false;
        }
        id = new GrainId(new GrainType(value[..slash]), value[(slash + 1)..]);
        return true;
    }

    public bool Equals(GrainId other) => _hash == other._hash && Type.Equals(other.Type) && string.Equals(Key, other.Key, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is GrainId other && Equals(other);

    public override int GetHashCode() => (int)_hash;

    public static bool operator ==(GrainId left, GrainId right) => left.Equals(right);

    public static bool operator !=(GrainId left, GrainId right) => !left.Equals(right);
}
