namespace Deror.Benchmarks.Grains;

public sealed class EchoGrain : Grain, IEchoGrain
{
    public Task<byte[]> Echo(byte[] payload) => Task.FromResult(payload);
}
