namespace Deror.Serialization;

/// <summary>
/// Recreates grain references read from the wire. The runtime (silo or client) implements it with its grain
/// factory, so a decoded reference can be called like any other.
/// </summary>
public interface IGrainReferenceResolver
{
    IAddressable GetGrain(Type grainInterface, GrainId grainId);
}
