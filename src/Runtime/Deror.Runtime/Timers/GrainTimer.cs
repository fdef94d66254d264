using Deror.Runtime.Catalog;
using Microsoft.Extensions.Logging;

namespace Deror.Runtime.Timers;

/// <summary>
/// A timer of one activation. Each tick is queued as a turn of the activation; the next tick is scheduled only
/// after the callback finishes, so ticks never overlap and a slow callback delays rather than piles up.
/// </summary>
internal sealed partial class GrainTimer : IGrainTimer
{
    private readonly ActivationData _owner;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _disposed = new();
    private TimeSpan _period;

    public GrainTimer(ActivationData owner, Func<CancellationToken, Task> callback, GrainTimerCreationOptions options, TimeProvider clock, ILogger logger)
    {
        ValidateSchedule(options.DueTime, options.Period);
        _owner = owner;
        _callback = callback;
        _logger = logger;
        Options = options;
        _period = options.Period;
        _timer = clock.CreateTimer(_ => OnDue(), null, options.DueTime, Timeout.InfiniteTimeSpan);
    }

    public GrainTimerCreationOptions Options { get; }

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        ValidateSchedule(dueTime, period);
        _period = period;
        if (!_disposed.IsCancellationRequested)
        {
            _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }
        _disposed.Cancel();
        _timer.Dispose();
        _owner.RemoveTimer(this);
    }

    internal async Task TickAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }
        try
        {
            await _callback(_disposed.Token);
        }
        catch (Exception e)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }
            LogTickFailed(_logger, e, _owner.GrainId);
        }
        if (!_disposed.IsCancellationRequested && _period != Timeout.InfiniteTimeSpan)
        {
            _timer.Change(_period, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnDue()
    {
        if (!_disposed.IsCancellationRequested)
        {
            _owner.EnqueueTimerTick(new TimerTickRequest(this));
        }
    }

    private static void ValidateSchedule(TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime < TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "A timer's due time must be zero or positive (or infinite).");
        }
        if (period <= TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "A timer's period must be positive (or infinite for a one-shot timer).");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer callback of {GrainId} failed")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, GrainId grainId);
}
