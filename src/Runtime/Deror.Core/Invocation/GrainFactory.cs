using System.Collections.Concurrent;

namespace Deror.Invocation;

/// <summary>
/// Creates grain references from generated proxies. Used by clients and silos alike; what differs is the
/// runtime that delivers the calls and where the interface→grain type map comes from.
/// </summary>
public sealed class GrainFactory(IGrainReferenceRuntime runtime, IGrainTypeResolver typeResolver) : IGrainFactory
{
    private readonly ConcurrentDictionary<Type, Func<IGrainReferenceRuntime, GrainId, GrainReference>> _proxyFactories = new();

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey) where TGrainInterface : IGrainWithStringKey
        => (TGrainInterface)GetGrain(typeof(TGrainInterface), GrainId.Create(typeResolver.GetGrainType(typeof(TGrainInterface)), primaryKey));

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey) where TGrainInterface : IGrainWithGuidKey
        => (TGrainInterface)GetGrain(typeof(TGrainInterface), GrainId.Create(typeResolver.GetGrainType(typeof(TGrainInterface)), primaryKey));

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey) where TGrainInterface : IGrainWithIntegerKey
        => (TGrainInterface)GetGrain(typeof(TGrainInterface), GrainId.Create(typeResolver.GetGrainType(typeof(TGrainInterface)), primaryKey));

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId) where TGrainInterface : IAddressable
        => (TGrainInterface)GetGrain(typeof(TGrainInterface), grainId);

    public IAddressable GetGrain(Type grainInterface, GrainId grainId)
    {
        if (grainId.IsDefault)
        {
            throw new ArgumentException("The grain id is empty.", nameof(grainId));
        }
        var factory = _proxyFactories.GetOrAdd(grainInterface, static type =>
            GeneratedCodeRegistry.TryGetProxyFactory(type, out var f)
                ? f
                : throw new ArgumentException($"{type.FullName} has no generated proxy: it must be an interface deriving from a Deror grain key marker (IGrainWithStringKey, ...) in an assembly built with the Deror code generator."));
        return (IAddressable)factory(runtime, grainId);
    }
}
