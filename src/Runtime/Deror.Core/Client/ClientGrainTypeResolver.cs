using Deror.Invocation;

namespace Deror.Client;

/// <summary>The interface→grain type map a client learns from the gateway it connects to.</summary>
internal sealed class ClientGrainTypeResolver : IGrainTypeResolver
{
    private volatile IReadOnlyDictionary<string, string> _map = new Dictionary<string, string>();

    public void Update(IReadOnlyDictionary<string, string> interfaceMap) => _map = interfaceMap;

    public GrainType GetGrainType(Type grainInterface)
        => _map.TryGetValue(grainInterface.FullName ?? grainInterface.Name, out var grainType)
            ? new GrainType(grainType)
            : throw new ArgumentException(_map.Count == 0
                ? $"Cannot resolve {grainInterface.FullName}: the client is not connected to a gateway yet."
                : $"No grain class in the cluster implements {grainInterface.FullName} (or several do; address one by its GrainId).");
}
