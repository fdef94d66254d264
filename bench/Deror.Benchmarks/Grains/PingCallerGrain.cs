namespace Deror.Benchmarks.Grains;

public sealed class PingCallerGrain : Grain, IPingCallerGrain
{
    public Task<int> PingMany(long targetKey, int calls)
        => PingLoop.RunAsync(GrainFactory.GetGrain<IPingGrain>(targetKey), calls);
}
