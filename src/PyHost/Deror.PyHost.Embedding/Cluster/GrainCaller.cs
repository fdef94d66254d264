using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;

namespace Deror.PyHost.Cluster;

/// <summary>
/// The escape hatch behind <c>deror.grain(interface, key)</c>: finds the interface by name, gets the grain
/// reference from the client's <see cref="IGrainFactory"/> and calls the method by name with JSON arguments.
/// </summary>
internal sealed class GrainCaller(ClusterConnection connection, GrainInterfaceCatalog catalog, JsonMethodInvoker invoker)
{
    private static readonly MethodInfo[] FactoryMethods = typeof(IGrainFactory).GetMethods();
    private readonly ConcurrentDictionary<Type, Func<IGrainFactory, string, object>> _references = new();

    public IReadOnlyList<string> Interfaces => catalog.Interfaces;

    public async Task<string?> CallAsync(string interfaceName, string key, string method, string argumentsJson, CancellationToken cancellationToken)
    {
        var contract = catalog.Find(interfaceName);
        var reference = _references.GetOrAdd(contract, CreateReferenceFactory);
        var client = await connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        return await invoker.InvokeAsync(reference(client, key), contract, method, argumentsJson, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GetGrain&lt;T&gt;(key) for an interface known only at run time, with the key parsed to the interface's key kind.</summary>
    private static Func<IGrainFactory, string, object> CreateReferenceFactory(Type contract)
    {
        var (keyType, parse) = contract switch
        {
            _ when typeof(IGrainWithStringKey).IsAssignableFrom(contract) => (typeof(string), (Func<string, object>)(k => k)),
            _ when typeof(IGrainWithGuidKey).IsAssignableFrom(contract) => (typeof(Guid), k => Guid.TryParse(k, out var g) ? g : throw new PythonArgumentException($"{contract.Name} is keyed by a UUID; '{k}' is not one.")),
            _ when typeof(IGrainWithIntegerKey).IsAssignableFrom(contract) => (typeof(long), k => long.TryParse(k, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : throw new PythonArgumentException($"{contract.Name} is keyed by an integer; '{k}' is not one.")),
            _ => throw new GrainMemberNotFoundException($"{contract.Name} has no string, UUID or integer key."),
        };
        var getGrain = FactoryMethods.Single(m => m.Name == nameof(IGrainFactory.GetGrain) && m.IsGenericMethodDefinition
            && m.GetParameters() is [var p] && p.ParameterType == keyType).MakeGenericMethod(contract);
        return (factory, key) => getGrain.Invoke(factory, [parse(key)])!;
    }
}
