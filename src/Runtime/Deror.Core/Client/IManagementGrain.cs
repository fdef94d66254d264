using Deror.Runtime;

namespace Deror.Client;

/// <summary>
/// A system grain every silo serves locally: the cluster's membership as the answering silo's view has it. Clients
/// (the CLI, PyHost) and the silo's own HTTP API read the silos from here, so every surface shows the same list.
/// </summary>
public interface IManagementGrain : IGrainWithStringKey
{
    /// <summary>The well-known key; the grain is a stateless worker, so any key works.</summary>
    const string Key = "management";

    /// <summary>Every silo in the membership table (Dead ones until the table forgets them), live ones first.</summary>
    Task<IReadOnlyList<SiloDetails>> GetSilos();
}

/// <summary>One silo of the cluster, from a membership row.</summary>
public sealed record SiloDetails
{
    /// <summary>The metadata key a sidecar silo declares the Exo node it hosts under.</summary>
    public const string ExoNodeKey = "exo-node";

    /// <summary><c>ip:port:generation</c>.</summary>
    public required string Address { get; init; }

    public required SiloStatus Status { get; init; }

    public string Name { get; init; } = "";

    public string HostName { get; init; } = "";

    /// <summary>Where clients connect (<c>ip:port</c>); null for a silo without a gateway.</summary>
    public string? Gateway { get; init; }

    public DateTimeOffset StartTime { get; init; }

    public DateTimeOffset IAmAliveTime { get; init; }

    /// <summary>This is the silo that answered (over HTTP: the silo serving the request).</summary>
    public bool IsLocal { get; init; }

    /// <summary>What the silo declares about itself (e.g. <see cref="ExoNodeKey"/>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The Exo node the silo's sidecar serves, if any.</summary>
    public string? ExoNode => Metadata.TryGetValue(ExoNodeKey, out var node) ? node : null;
}
