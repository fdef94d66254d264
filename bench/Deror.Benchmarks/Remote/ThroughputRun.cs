using System.Diagnostics;

namespace Deror.Benchmarks.Remote;

/// <summary>
/// Keeps a fixed number of calls in flight (each worker issues its next call when its previous one completes)
/// and counts completions over a timed window that starts after a warm-up.
/// </summary>
public sealed class ThroughputRun(Func<Task> call, int inFlight)
{
    private long _completed;
    private volatile bool _stopping;

    /// <summary>Calls completed per second during <paramref name="duration"/>, and the process CPU time they took.</summary>
    public async Task<ThroughputResult> MeasureAsync(TimeSpan warmup, TimeSpan duration)
    {
        var workers = new Task[inFlight];
        for (var i = 0; i < inFlight; i++)
        {
            workers[i] = WorkAsync();
        }
        await Task.Delay(warmup);
        using var process = Process.GetCurrentProcess();
        var startCount = Interlocked.Read(ref _completed);
        var startCpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.Delay(duration);
        var endCount = Interlocked.Read(ref _completed);
        var elapsed = clock.Elapsed;
        process.Refresh();
        var cpu = process.TotalProcessorTime - startCpu;
        _stopping = true;
        await Task.WhenAll(workers);
        var calls = endCount - startCount;
        return new ThroughputResult(calls / elapsed.TotalSeconds, cpu.TotalMicroseconds / Math.Max(calls, 1));
    }

    private async Task WorkAsync()
    {
        // Start on the pool, not inline in the loop that creates the workers.
        await Task.Yield();
        while (!_stopping)
        {
            await call();
            Interlocked.Increment(ref _completed);
        }
    }
}
