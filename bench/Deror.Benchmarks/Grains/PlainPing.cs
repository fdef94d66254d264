namespace Deror.Benchmarks.Grains;

/// <summary>The baseline: the same interface and body on an ordinary object, called directly.</summary>
public sealed class PlainPing : IPingGrain
{
    public Task<int> Ping(int value) => PingBody.Ping(value);
}
