using Deror.Concurrency;

namespace Deror.Runtime.Tests.Grains;

/// <summary>Measures how many of its requests overlap, to check the turn-based rules.</summary>
public interface IProbeGrain : IGrainWithStringKey
{
    /// <summary>Enters, awaits <paramref name="delayMs"/>, leaves; records the most requests seen inside at once.</summary>
    Task Work(int delayMs);

    [ReadOnly]
    Task ReadOnlyWork(int delayMs);

    [AlwaysInterleave]
    Task<int> InterleavingPeek();

    [AlwaysInterleave]
    Task<ProbeStats> GetStats();
}

public sealed record ProbeStats(int MaxInside, int MaxParallelThreads, int Completed, bool PeekSawWorkInside);

public interface IConcurrencyProbeGrain : IProbeGrain;

public interface IReentrantProbeGrain : IProbeGrain;

public sealed class ConcurrencyProbeGrain : ProbeGrainBase, IConcurrencyProbeGrain;

[Reentrant]
public sealed class ReentrantProbeGrain : ProbeGrainBase, IReentrantProbeGrain;

public abstract class ProbeGrainBase : Grain, IProbeGrain
{
    private int _inside;
    private int _maxInside;
    private int _threads;
    private int _maxThreads;
    private int _completed;
    private bool _peekSawWorkInside;

    public Task Work(int delayMs) => Measure(delayMs);

    public Task ReadOnlyWork(int delayMs) => Measure(delayMs);

    public Task<int> InterleavingPeek()
    {
        _peekSawWorkInside |= _inside > 0;
        return Task.FromResult(_inside);
    }

    public Task<ProbeStats> GetStats() => Task.FromResult(new ProbeStats(_maxInside, _maxThreads, _completed, _peekSawWorkInside));

    private async Task Measure(int delayMs)
    {
        _inside++;
        _maxInside = Math.Max(_maxInside, _inside);
        SynchronousSection();
        await Task.Delay(delayMs);
        SynchronousSection();
        _inside--;
        _completed++;
    }

    // Detects two threads running this activation at the same moment, which must never happen, reentrant or not.
    private void SynchronousSection()
    {
        var now = Interlocked.Increment(ref _threads);
        InterlockedMax(ref _maxThreads, now);
        Thread.SpinWait(2000);
        Interlocked.Decrement(ref _threads);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
