using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Deror.Grains;

/// <summary>
/// Task ids, computed by whoever submits so that de-duplication needs no lookup: the same idempotency key, or
/// (with <see cref="TaskSpec.Deduplicate"/>) the same content, always names the same task grain.
/// </summary>
public static class TaskIds
{
    private static readonly JsonSerializerOptions CanonicalJson = new() { WriteIndented = false };

    public static string For(string clusterId, TaskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!string.IsNullOrEmpty(spec.IdempotencyKey))
        {
            return "k-" + Hash(clusterId + "\n" + spec.IdempotencyKey);
        }
        if (spec.Deduplicate)
        {
            return "h-" + Hash(clusterId + "\n" + ContentOf(spec));
        }
        return "t-" + Guid.NewGuid().ToString("N")[..20];
    }

    /// <summary>The spec as canonical JSON (dictionaries sorted, de-duplication fields left out): equal content, equal text.</summary>
    public static string ContentOf(TaskSpec spec)
    {
        var canonical = spec with
        {
            IdempotencyKey = null,
            Deduplicate = false,
            Container = spec.Container is { } c ? c with { Environment = Sorted(c.Environment) } : null,
            Process = spec.Process is { } p ? p with { Environment = Sorted(p.Environment) } : null,
        };
        return JsonSerializer.Serialize(canonical, CanonicalJson);
    }

    private static SortedDictionary<string, string> Sorted(IReadOnlyDictionary<string, string> values) => new(values.ToDictionary(), StringComparer.Ordinal);

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..24];
}
