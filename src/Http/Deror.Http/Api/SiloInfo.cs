namespace Deror.Http.Api;

/// <summary>One silo of the cluster as the answering silo's membership view has it.</summary>
public sealed record SiloInfo
{
    /// <summary><c>ip:port:generation</c>.</summary>
    public string Address { get; init; } = "";

    /// <summary>Joining, Active, ShuttingDown or Dead.</summary>
    public string Status { get; init; } = "";

    public string Name { get; init; } = "";

    public string HostName { get; init; } = "";

    /// <summary>Where clients connect (<c>ip:port</c>); null for a silo without a gateway.</summary>
    public string? Gateway { get; init; }

    public DateTimeOffset StartTime { get; init; }

    public DateTimeOffset IAmAliveTime { get; init; }

    /// <summary>This is the silo that answered.</summary>
    public bool IsLocal { get; init; }

    /// <summary>What the silo declares about itself (e.g. <c>exo-node</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}
