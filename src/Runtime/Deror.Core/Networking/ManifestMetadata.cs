namespace Deror.Networking;

/// <summary>
/// How a silo tells a connecting client which grain type serves each grain interface, and how both sides
/// check they belong to the same cluster: entries in the handshake metadata.
/// </summary>
public static class ManifestMetadata
{
    public const string ClusterIdKey = "cluster";

    private const string InterfacePrefix = "iface:";

    public static Dictionary<string, string> Create(string clusterId, IReadOnlyDictionary<string, string> interfaceMap)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [ClusterIdKey] = clusterId };
        foreach (var (grainInterface, grainType) in interfaceMap)
        {
            metadata[InterfacePrefix + grainInterface] = grainType;
        }
        return metadata;
    }

    /// <summary>Interface full name → grain type, read back from a silo's handshake.</summary>
    public static Dictionary<string, string> ReadInterfaceMap(IReadOnlyDictionary<string, string> metadata)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata)
        {
            if (key.StartsWith(InterfacePrefix, StringComparison.Ordinal))
            {
                map[key[InterfacePrefix.Length..]] = value;
            }
        }
        return map;
    }

    public static string? ReadClusterId(IReadOnlyDictionary<string, string> metadata)
        => metadata.TryGetValue(ClusterIdKey, out var clusterId) ? clusterId : null;
}
