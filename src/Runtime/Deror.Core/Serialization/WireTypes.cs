using System.Collections.Concurrent;
using System.Reflection;

namespace Deror.Serialization;

/// <summary>A type that may travel by name, with its codec.</summary>
internal sealed record WireType(Type Type, string Name, RuntimeTypeCodec Codec);

/// <summary>
/// Which types may be named on the wire, and how names are resolved. A name from the wire is only looked up
/// among assemblies already loaded in this process (nothing is ever loaded because a peer asked), and only
/// data types are accepted, so a peer can never make us instantiate an arbitrary type.
/// </summary>
internal static class WireTypes
{
    public const string Rule = "only concrete, non-delegate types from assemblies that reference Deror.Abstractions, "
        + "primitives and BCL collections of those may be sent by name.";

    private const int MaxNameLength = 4096;
    private const string AbstractionsAssemblyName = "Deror.Abstractions";

    private static readonly HashSet<Type> AllowedBclTypes =
    [
        typeof(string), typeof(decimal), typeof(Guid), typeof(DateTime), typeof(DateTimeOffset), typeof(TimeSpan),
        typeof(DateOnly), typeof(TimeOnly), typeof(GrainId),
    ];

    private static readonly HashSet<Type> AllowedBclGenerics =
    [
        typeof(Nullable<>), typeof(KeyValuePair<,>),
        typeof(ValueTuple<>), typeof(ValueTuple<,>), typeof(ValueTuple<,,>), typeof(ValueTuple<,,,>),
        typeof(Tuple<>), typeof(Tuple<,>), typeof(Tuple<,,>), typeof(Tuple<,,,>),
    ];

    private static readonly HashSet<string> CollectionNamespaces =
        ["System.Collections.Generic", "System.Collections.Immutable", "System.Collections.ObjectModel"];

    private static readonly ConcurrentDictionary<Type, WireType?> ByType = new();
    private static readonly ConcurrentDictionary<string, WireType> ByName = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Type> GrainInterfaces = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<Assembly, bool> DataAssemblies = new();

    /// <summary>The wire form of <paramref name="type"/>, or null when it may not be sent by name.</summary>
    public static WireType? TryGetWritable(Type type)
        => ByType.GetOrAdd(type, static t => IsAllowed(t) && t.FullName is { } name ? new WireType(t, name, RuntimeTypeCodec.Create(t)) : null);

    /// <summary>The type a peer named; throws <see cref="SerializationException"/> when it is unknown here or not allowed.</summary>
    public static WireType ResolveReadable(string name)
    {
        if (ByName.TryGetValue(name, out var known))
        {
            return known;
        }
        var type = FindLoadedType(name) ?? throw new SerializationException($"Unknown type '{name}': no loaded assembly defines it.");
        var wireType = TryGetWritable(type) ?? throw new SerializationException($"Type '{name}' may not be received: {Rule}");
        // Only resolvable, allowed names are cached, so garbage from the wire cannot grow the cache.
        ByName.TryAdd(name, wireType);
        return wireType;
    }

    public static Type ResolveGrainInterface(string name)
    {
        if (GrainInterfaces.TryGetValue(name, out var known))
        {
            return known;
        }
        var type = FindLoadedType(name);
        if (type is not { IsInterface: true } || !typeof(IAddressable).IsAssignableFrom(type))
        {
            throw new SerializationException($"'{name}' is not a grain interface loaded in this process.");
        }
        GrainInterfaces.TryAdd(name, type);
        return type;
    }

    /// <summary>Resolves a full type name (generic arguments may be assembly-qualified) among loaded assemblies only.</summary>
    public static Type? FindLoadedType(string name)
    {
        if (name.Length == 0 || name.Length > MaxNameLength)
        {
            return null;
        }
        try
        {
            return Type.GetType(name, FindLoadedAssembly, FindTypeInLoadedAssemblies, throwOnError: false);
        }
        catch (Exception e) when (e is ArgumentException or TypeLoadException or FileLoadException or BadImageFormatException)
        {
            return null;
        }
    }

    private static Assembly? FindLoadedAssembly(AssemblyName name)
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (!assembly.IsDynamic && string.Equals(assembly.GetName().Name, name.Name, StringComparison.Ordinal))
            {
                return assembly;
            }
        }
        return null;
    }

    private static Type? FindTypeInLoadedAssemblies(Assembly? assembly, string name, bool ignoreCase)
    {
        if (assembly is not null)
        {
            return assembly.GetType(name, throwOnError: false, ignoreCase: false);
        }
        foreach (var candidate in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (!candidate.IsDynamic && candidate.GetType(name, throwOnError: false, ignoreCase: false) is { } type)
            {
                return type;
            }
        }
        return null;
    }

    private static bool IsAllowed(Type type)
    {
        if (type.IsArray)
        {
            return type.IsSZArray && IsAllowed(type.GetElementType()!);
        }
        if (type.IsPointer || type.IsByRef || type.IsByRefLike || type.ContainsGenericParameters
            || type.IsAbstract || type.IsInterface || typeof(Delegate).IsAssignableFrom(type))
        {
            return false;
        }
        if (type.IsPrimitive || type.IsEnum || AllowedBclTypes.Contains(type))
        {
            return true;
        }
        if (!type.IsGenericType)
        {
            return IsDataAssembly(type.Assembly);
        }
        var definition = type.GetGenericTypeDefinition();
        if (!AllowedBclGenerics.Contains(definition) && !IsBclCollection(definition) && !IsDataAssembly(definition.Assembly))
        {
            return false;
        }
        foreach (var argument in type.GetGenericArguments())
        {
            if (!IsAllowed(argument))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsBclCollection(Type definition)
        => definition.Namespace is { } ns && CollectionNamespaces.Contains(ns)
            && definition.Assembly.GetName().Name is { } assembly && assembly.StartsWith("System.", StringComparison.Ordinal);

    /// <summary>Assemblies written for Deror (they reference its abstractions) hold the application's data types.</summary>
    private static bool IsDataAssembly(Assembly assembly) => DataAssemblies.GetOrAdd(assembly, static a =>
    {
        if (a.GetName().Name == AbstractionsAssemblyName)
        {
            return true;
        }
        foreach (var reference in a.GetReferencedAssemblies())
        {
            if (reference.Name == AbstractionsAssemblyName)
            {
                return true;
            }
        }
        return false;
    });
}
