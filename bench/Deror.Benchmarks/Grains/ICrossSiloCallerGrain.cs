namespace Deror.Benchmarks.Grains;

/// <summary>
/// Drives the cross-silo benchmark from inside a grain, so every measured call is grain→grain between two silos
/// (no client hop): the same load drivers as the client→silo benchmark, aimed at an <see cref="IEchoGrain"/>.
/// </summary>
public interface ICrossSiloCallerGrain : IGrainWithIntegerKey
{
    /// <summary>Calls per second with <paramref name="inFlight"/> echo calls kept in flight.</summary>
    Task<double> MeasureThroughput(long echoKey, byte[] payload, int inFlight, TimeSpan warmup, TimeSpan duration);

    /// <summary>The latency of each of <paramref name="calls"/> sequential echo calls, in microseconds.</summary>
    Task<double[]> MeasureLatency(long echoKey, byte[] payload, int calls);
}
