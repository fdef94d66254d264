using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Deror;

/// <summary>
/// A silo instance: its silo-to-silo endpoint plus a generation (the start time, in milliseconds since 2020), so a
/// silo restarted on the same endpoint is a different member, even within the same second. Written as
/// <c>ip:port:generation</c>.
/// </summary>
public sealed record SiloAddress(IPEndPoint Endpoint, long Generation)
{
    private static readonly DateTimeOffset GenerationEpoch = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A generation for a silo starting now; later starts get larger generations. Membership refuses a join whose
    /// generation is not above every earlier one on the same endpoint (a clock that went back).
    /// </summary>
    public static long NewGeneration(TimeProvider? clock = null)
        => (long)((clock ?? TimeProvider.System).GetUtcNow() - GenerationEpoch).TotalMilliseconds;

    public uint GetConsistentHashCode() => StableHash.Compute(ToString());

    public override string ToString() => $"{Endpoint.Address}:{Endpoint.Port.ToString(CultureInfo.InvariantCulture)}:{Generation.ToString(CultureInfo.InvariantCulture)}";

    public static SiloAddress Parse(string value) => TryParse(value, out var address)
        ? address
        : throw new FormatException($"'{value}' is not a silo address of the form 'ip:port:generation'.");

    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out SiloAddress? address)
    {
        address = null;
        if (value is null)
        {
            return false;
        }
        var lastColon = value.LastIndexOf(':');
        if (lastColon <= 0
            || !long.TryParse(value.AsSpan(lastColon + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var generation)
            || !IPEndPoint.TryParse(value[..lastColon], out var endpoint))
        {
            return false;
        }
        address = new SiloAddress(endpoint, generation);
        return true;
    }
}
