using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Deror.Invocation;

/// <summary>
/// Where generated code registers itself (from a module initializer): proxy factories per grain interface,
/// request factories per method id, and grain classes. The runtime reads it; nothing here uses reflection on
/// the call path.
/// </summary>
public static class GeneratedCodeRegistry
{
    private static readonly ConcurrentDictionary<Type, Func<IGrainReferenceRuntime, GrainId, GrainReference>> Proxies = new();
    private static readonly ConcurrentDictionary<uint, Func<Request>> Requests = new();
    private static readonly ConcurrentDictionary<Type, byte> GrainClasses = new();
    private static readonly ConcurrentDictionary<Assembly, byte> LoadedAssemblies = new();

    public static void RegisterProxy(Type grainInterface, Func<IGrainReferenceRuntime, GrainId, GrainReference> factory)
        => Proxies.TryAdd(grainInterface, factory);

    /// <summary>Registers the request factory of one method. Several assemblies may register the same method (inherited interfaces).</summary>
    public static void RegisterRequest(uint methodId, Func<Request> factory) => Requests.TryAdd(methodId, factory);

    public static void RegisterGrainClass(Type grainClass) => GrainClasses.TryAdd(grainClass, 0);

    public static bool TryGetProxyFactory(Type grainInterface, out Func<IGrainReferenceRuntime, GrainId, GrainReference> factory)
    {
        if (Proxies.TryGetValue(grainInterface, out factory!))
        {
            return true;
        }
        EnsureLoaded(grainInterface.Assembly);
        return Proxies.TryGetValue(grainInterface, out factory!);
    }

    public static Request? TryCreateRequest(uint methodId) => Requests.TryGetValue(methodId, out var factory) ? factory() : null;

    public static IReadOnlyCollection<Type> GetGrainClasses() => GrainClasses.Keys.ToArray();

    /// <summary>Runs the module initializer of <paramref name="assembly"/> if it holds generated code.</summary>
    public static void EnsureLoaded(Assembly assembly)
    {
        if (LoadedAssemblies.TryAdd(assembly, 0) && assembly.IsDefined(typeof(DerorGeneratedCodeAttribute)))
        {
            RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        }
    }

    /// <summary>
    /// Loads the generated code of every assembly loaded in this process and of the assemblies they reference
    /// (framework assemblies skipped), so a silo or client sees all grain interfaces and classes at start-up.
    /// </summary>
    public static void EnsureAllLoaded()
    {
        var pending = new Stack<Assembly>(AppDomain.CurrentDomain.GetAssemblies());
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out var assembly))
        {
            if (assembly.IsDynamic || !seen.Add(assembly.FullName ?? assembly.GetName().Name ?? string.Empty) || IsFrameworkAssembly(assembly.GetName()))
            {
                continue;
            }
            EnsureLoaded(assembly);
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (IsFrameworkAssembly(reference) || seen.Contains(reference.FullName))
                {
                    continue;
                }
                try
                {
                    pending.Push(Assembly.Load(reference));
                }
                catch (FileNotFoundException)
                {
                    // A reference that is not deployed cannot hold grains this process uses.
                }
            }
        }
    }

    private static bool IsFrameworkAssembly(AssemblyName name)
    {
        var simple = name.Name ?? string.Empty;
        return simple.StartsWith("System", StringComparison.Ordinal)
            || simple.StartsWith("Microsoft.", StringComparison.Ordinal)
            || simple is "mscorlib" or "netstandard" or "xunit.core" or "xunit.assert" or "xunit.abstractions" or "BenchmarkDotNet";
    }
}
