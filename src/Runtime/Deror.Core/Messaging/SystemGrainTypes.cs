namespace Deror.Messaging;

/// <summary>Grain types the runtime itself uses for addresses that are not grains.</summary>
public static class SystemGrainTypes
{
    /// <summary>A connected client; responses addressed to it go back through its gateway connection.</summary>
    public static readonly GrainType Client = new("sys.client");

    public static GrainId NewClientId() => GrainId.Create(Client, Guid.NewGuid());

    public static bool IsClient(GrainId grainId) => !grainId.IsDefault && grainId.Type == Client;

    /// <summary>The runtime's own grains (probes, gossip, gateway lists) are named <c>sys.*</c>.</summary>
    public static bool IsSystem(GrainId grainId) => !grainId.IsDefault && grainId.Type.Value.StartsWith("sys.", StringComparison.Ordinal);
}
