using System.Collections.Frozen;
using System.Reflection;
using Deror.Grains;
using Deror.Invocation;

namespace Deror.PyHost.Cluster;

/// <summary>
/// The grain interfaces Python can call by name: every interface with a generated proxy in the assemblies the
/// host loads (Deror.Grains.Interfaces and what it references). Found by simple name (<c>IHelloGrain</c>) or full
/// name (<c>Deror.Grains.IHelloGrain</c>).
/// </summary>
internal sealed class GrainInterfaceCatalog
{
    private readonly FrozenDictionary<string, Type> _byName;

    public GrainInterfaceCatalog(IEnumerable<Assembly> assemblies)
    {
        var interfaces = assemblies
            .Distinct()
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t) && !t.IsGenericTypeDefinition
                && GeneratedCodeRegistry.TryGetProxyFactory(t, out _))
            .ToList();
        Interfaces = [.. interfaces.Select(t => t.FullName!).Order(StringComparer.Ordinal)];
        var byName = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var type in interfaces)
        {
            byName[type.FullName!] = type;
            // A simple name shared by two namespaces is ambiguous: only the full names find those.
            if (!byName.TryAdd(type.Name, type) && byName[type.Name] != type)
            {
                byName[type.Name] = typeof(void);
            }
        }
        _byName = byName.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The catalog of the grain interfaces Deror ships (Deror.Grains.Interfaces).</summary>
    public static GrainInterfaceCatalog Default { get; } = new([typeof(IHelloGrain).Assembly]);

    /// <summary>Full names of the known interfaces, sorted.</summary>
    public IReadOnlyList<string> Interfaces { get; }

    public Type Find(string name)
    {
        if (_byName.TryGetValue(name, out var type))
        {
            return type != typeof(void)
                ? type
                : throw new GrainMemberNotFoundException($"Grain interface '{name}' is ambiguous; use its full name ({string.Join(", ", Interfaces.Where(i => i.EndsWith("." + name, StringComparison.Ordinal)))}).");
        }
        throw new GrainMemberNotFoundException($"No grain interface named '{name}'. Known interfaces: {string.Join(", ", Interfaces)}.");
    }
}
