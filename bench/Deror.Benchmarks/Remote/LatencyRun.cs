using System.Diagnostics;

namespace Deror.Benchmarks.Remote;

/// <summary>Sequential round trips, one call in flight: records every call's latency.</summary>
public static class LatencyRun
{
    /// <summary>Latency of each of <paramref name="calls"/> calls in microseconds, after <paramref name="warmupCalls"/> unrecorded ones.</summary>
    public static async Task<double[]> MeasureAsync(Func<Task> call, int warmupCalls, int calls)
    {
        for (var i = 0; i < warmupCalls; i++)
        {
            await call();
        }
        var samples = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await call();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        return samples;
    }
}
