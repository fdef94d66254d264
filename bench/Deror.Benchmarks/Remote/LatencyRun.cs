using System.Diagnostics;

namespace Deror.Benchmarks.Remote;

/// <summary>Sequential round trips, one call in flight: records every call's latency.</summary>
public static class LatencyRun
{
    /// <summary>Latency of each of <paramref name="calls"/> calls, in microseconds.</summary>
    public static async Task<double[]> MeasureAsync(Func<Task> call, int calls)
    {
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
