namespace Deror.Benchmarks.Grains;

public interface IEchoGrain : IGrainWithIntegerKey
{
    Task<byte[]> Echo(byte[] payload);
}
