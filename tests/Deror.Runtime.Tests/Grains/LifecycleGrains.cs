using System.Collections.Concurrent;

namespace Deror.Runtime.Tests.Grains;

public interface ILifecycleGrain : IGrainWithGuidKey
{
    Task Touch();

    Task DeactivateSoon();

    Task StartTimer(int periodMs);

    Task StopTimer();

    Task<TimerStats> GetTimerStats();
}

public sealed record TimerStats(int Ticks, int MaxInside);

/// <summary>What happened to each lifecycle grain, kept outside the grains so it survives their deactivation.</summary>
public static class LifecycleJournal
{
    private static readonly ConcurrentDictionary<Guid, ConcurrentQueue<string>> Events = new();

    public static IReadOnlyList<string> For(Guid key) => Events.TryGetValue(key, out var q) ? q.ToArray() : [];

    public static void Record(Guid key, string evt) => Events.GetOrAdd(key, _ => new()).Enqueue(evt);
}

public sealed class LifecycleGrain : Grain, ILifecycleGrain
{
    private IGrainTimer? _timer;
    private int _ticks;
    private int _inside;
    private int _maxInside;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        LifecycleJournal.Record(this.GetPrimaryKey(), "activate");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        LifecycleJournal.Record(this.GetPrimaryKey(), $"deactivate:{reason.Code}");
        return Task.CompletedTask;
    }

    public async Task Touch()
    {
        _inside++;
        _maxInside = Math.Max(_maxInside, _inside);
        await Task.Delay(20);
        _inside--;
    }

    public Task DeactivateSoon()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task StartTimer(int periodMs)
    {
        _timer = RegisterGrainTimer(async _ =>
        {
            _inside++;
            _maxInside = Math.Max(_maxInside, _inside);
            _ticks++;
            await Task.Delay(5);
            _inside--;
        }, new GrainTimerCreationOptions(TimeSpan.FromMilliseconds(periodMs), TimeSpan.FromMilliseconds(periodMs)) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public Task StopTimer()
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public Task<TimerStats> GetTimerStats() => Task.FromResult(new TimerStats(_ticks, _maxInside));
}
