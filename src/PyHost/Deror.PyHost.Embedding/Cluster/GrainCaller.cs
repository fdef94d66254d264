using System.Collections.Concurrent;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using Deror.Client;

namespace Deror.PyHost.Cluster;

/// <summary>
/// The escape hatch behind <c>deror.grain(interface, key)</c>: finds the interface by name, gets the grain
/// reference from the client's <see cref="IGrainFactory"/> and calls the method by name with JSON arguments.
/// </summary>
internal sealed class GrainCaller(ClusterConnection connection, GrainInterfaceCatalog catalog, JsonMethodInvoker invoker)
{
    private static readonly MethodInfo[] FactoryMethods = typeof(IGrainFactory).GetMethods();
    private readonly ConcurrentDictionary<string, (Type Contract, Func<IGrainFactory, string, object> Reference)> _interfaces = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Interfaces => catalog.Interfaces;

    public async Task<string?> CallAsync(string interfaceName, string key, string method, string argumentsJson, CancellationToken cancellationToken)
    {
        var client = await connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        return await Begin(client, interfaceName, key, method, argumentsJson, cancellationToken).ResultJsonAsync().ConfigureAwait(false);
    }

    /// <summary>Starts the call on an open <paramref name="client"/> without awaiting it.</summary>
    public PendingInvocation Begin(DerorClient client, string interfaceName, string key, string method, string argumentsJson, CancellationToken cancellationToken)
    {
        var (contract, reference) = _interfaces.GetOrAdd(interfaceName, static (name, c) => Resolve(c.Find(name)), catalog);
        return invoker.Begin(reference(client, key), contract, method, argumentsJson, cancellationToken);
    }

    private static (Type, Func<IGrainFactory, string, object>) Resolve(Type contract) => (contract, CreateReferenceFactory(contract));

    /// <summary>GetGrain&lt;T&gt;(key) for an interface known only at run time, with the key parsed to the interface's key kind.</summary>
    private static Func<IGrainFactory, string, object> CreateReferenceFactory(Type contract)
    {
        if (typeof(IGrainWithStringKey).IsAssignableFrom(contract))
        {
            return GetGrain<string>(contract);
        }
        if (typeof(IGrainWithGuidKey).IsAssignableFrom(contract))
        {
            var byGuid = GetGrain<Guid>(contract);
            return (factory, key) => byGuid(factory, Guid.TryParse(key, out var g) ? g : throw new PythonArgumentException($"{contract.Name} is keyed by a UUID; '{key}' is not one."));
        }
        if (typeof(IGrainWithIntegerKey).IsAssignableFrom(contract))
        {
            var byInteger = GetGrain<long>(contract);
            return (factory, key) => byInteger(factory, long.TryParse(key, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : throw new PythonArgumentException($"{contract.Name} is keyed by an integer; '{key}' is not one."));
        }
        throw new GrainMemberNotFoundException($"{contract.Name} has no string, UUID or integer key.");
    }

    /// <summary>
    /// A compiled call of <c>IGrainFactory.GetGrain&lt;contract&gt;(TKey)</c>: no reflection per call. (An open
    /// delegate cannot bind a generic interface method, so an expression does it.)
    /// </summary>
    private static Func<IGrainFactory, TKey, object> GetGrain<TKey>(Type contract)
    {
        var method = FactoryMethods.Single(m => m.Name == nameof(IGrainFactory.GetGrain) && m.IsGenericMethodDefinition
            && m.GetParameters() is [var p] && p.ParameterType == typeof(TKey)).MakeGenericMethod(contract);
        var factory = Expression.Parameter(typeof(IGrainFactory), "factory");
        var key = Expression.Parameter(typeof(TKey), "key");
        return Expression.Lambda<Func<IGrainFactory, TKey, object>>(Expression.Call(factory, method, key), factory, key).Compile();
    }
}
