namespace Deror.Benchmarks.Grains;

public sealed class PingGrain : Grain, IPingGrain
{
    public Task<int> Ping(int value) => PingBody.Ping(value);
}
