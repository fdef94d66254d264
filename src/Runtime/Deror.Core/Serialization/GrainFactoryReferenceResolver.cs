using Microsoft.Extensions.DependencyInjection;

namespace Deror.Serialization;

/// <summary>Recreates decoded grain references with the process's grain factory (resolved on first use: the factory needs the codec too).</summary>
internal sealed class GrainFactoryReferenceResolver(IServiceProvider services) : IGrainReferenceResolver
{
    private IGrainFactory? _factory;

    public IAddressable GetGrain(Type grainInterface, GrainId grainId)
        => (_factory ??= services.GetRequiredService<IGrainFactory>()).GetGrain(grainInterface, grainId);
}
