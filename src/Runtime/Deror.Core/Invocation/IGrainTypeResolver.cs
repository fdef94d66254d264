namespace Deror.Invocation;

/// <summary>Maps a grain interface to the grain type that implements it (from the silo's manifest).</summary>
public interface IGrainTypeResolver
{
    GrainType GetGrainType(Type grainInterface);
}
