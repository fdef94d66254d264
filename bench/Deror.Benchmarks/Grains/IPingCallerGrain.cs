namespace Deror.Benchmarks.Grains;

public interface IPingCallerGrain : IGrainWithIntegerKey
{
    /// <summary>Calls ping grain <paramref name="targetKey"/> <paramref name="calls"/> times in a row, inside this one call.</summary>
    Task<int> PingMany(long targetKey, int calls);
}
