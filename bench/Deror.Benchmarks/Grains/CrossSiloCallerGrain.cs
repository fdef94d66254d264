using Deror.Benchmarks.Remote;

namespace Deror.Benchmarks.Grains;

public sealed class CrossSiloCallerGrain : Grain, ICrossSiloCallerGrain
{
    public async Task<double> MeasureThroughput(long echoKey, byte[] payload, int inFlight, TimeSpan warmup, TimeSpan duration)
    {
        var echo = GrainFactory.GetGrain<IEchoGrain>(echoKey);
        return (await new ThroughputRun(() => echo.Echo(payload), inFlight).MeasureAsync(warmup, duration)).CallsPerSecond;
    }

    public Task<double[]> MeasureLatency(long echoKey, byte[] payload, int calls)
    {
        var echo = GrainFactory.GetGrain<IEchoGrain>(echoKey);
        return LatencyRun.MeasureAsync(() => echo.Echo(payload), calls);
    }
}
