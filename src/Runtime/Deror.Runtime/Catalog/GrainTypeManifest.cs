using Deror.Invocation;

namespace Deror.Runtime.Catalog;

/// <summary>
/// The grain classes this silo can activate and which grain type serves each grain interface. Clients receive
/// the interface map when they connect, so they build the same grain ids the silo does.
/// </summary>
internal sealed class GrainTypeManifest : IGrainTypeResolver
{
    private readonly Dictionary<GrainType, GrainClassInfo> _classes = [];
    private readonly Dictionary<Type, GrainType> _interfaces = [];
    private readonly Dictionary<Type, List<GrainType>> _ambiguous = [];

    public GrainTypeManifest(IEnumerable<Type> grainClasses)
    {
        foreach (var grainClass in grainClasses.Where(t => !t.IsAbstract && !t.ContainsGenericParameters).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var info = new GrainClassInfo(grainClass);
            if (!_classes.TryAdd(info.GrainType, info))
            {
                throw new InvalidOperationException(
                    $"Grain classes {_classes[info.GrainType].ClassType.FullName} and {grainClass.FullName} both use grain type '{info.GrainType}'; give one a [GrainType(\"...\")].");
            }
            foreach (var grainInterface in info.GrainInterfaces)
            {
                if (_ambiguous.TryGetValue(grainInterface, out var list))
                {
                    list.Add(info.GrainType);
                }
                else if (!_interfaces.TryAdd(grainInterface, info.GrainType))
                {
                    _ambiguous[grainInterface] = [_interfaces[grainInterface], info.GrainType];
                    _interfaces.Remove(grainInterface);
                }
            }
        }
    }

    public IReadOnlyCollection<GrainClassInfo> Classes => _classes.Values;

    public bool TryGetClass(GrainType grainType, out GrainClassInfo info) => _classes.TryGetValue(grainType, out info!);

    public GrainType GetGrainType(Type grainInterface)
    {
        if (_interfaces.TryGetValue(grainInterface, out var grainType))
        {
            return grainType;
        }
        if (_ambiguous.TryGetValue(grainInterface, out var candidates))
        {
            throw new ArgumentException($"Several grain classes implement {grainInterface.FullName} ({string.Join(", ", candidates)}); address one by its GrainId.");
        }
        throw new ArgumentException($"No grain class on this silo implements {grainInterface.FullName}.");
    }

    /// <summary>Interface full name → grain type, for clients.</summary>
    public IReadOnlyDictionary<string, string> GetInterfaceMap()
        => _interfaces.ToDictionary(kv => kv.Key.FullName ?? kv.Key.Name, kv => kv.Value.Value, StringComparer.Ordinal);
}
