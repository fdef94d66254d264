using System.Text.Json.Serialization;

namespace Deror.Exo.Models;

/// <summary>Exo's memory and disk sizes: <c>{"inBytes": n}</c>.</summary>
public readonly record struct MemorySize(long InBytes)
{
    public static MemorySize FromMegabytes(long megabytes) => new(megabytes * 1024 * 1024);

    [JsonIgnore]
    public double InMegabytes => InBytes / (1024.0 * 1024.0);

    public static MemorySize operator +(MemorySize a, MemorySize b) => new(a.InBytes + b.InBytes);

    public static MemorySize operator -(MemorySize a, MemorySize b) => new(a.InBytes - b.InBytes);

    public override string ToString() => $"{InMegabytes:0.#} MB";
}
