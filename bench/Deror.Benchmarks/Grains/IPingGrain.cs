namespace Deror.Benchmarks.Grains;

/// <summary>The call measured by the in-silo benchmark; implemented by a grain and by a plain object.</summary>
public interface IPingGrain : IGrainWithIntegerKey
{
    Task<int> Ping(int value);
}
