using System.Collections.Concurrent;
using Deror.Configuration;
using Deror.Hosting;
using Deror.Runtime.Membership;
using Deror.Runtime.Ring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Runtime.Reminders;

/// <summary>
/// Keeps reminder definitions in the <see cref="IReminderTable"/> and fires those whose grains hash into this
/// silo's ranges. Each reminder has its own timer; a tick calls <see cref="IRemindable.ReceiveReminder"/> and
/// the next tick is scheduled when that call ends. As in Orleans, a failed tick is not retried and ticks due
/// while no silo owned the reminder are skipped, not replayed.
/// </summary>
/// <remarks>
/// Hand-over fencing: when ranges move, the new owner starts firing as soon as it reads the new membership, while
/// the old owner may not have read it yet. So before each tick a clustered silo brings its view up to the table
/// as of that moment (<see cref="MembershipAgent.EnsureCurrentViewAsync"/>, shared by ticks due together) and fires
/// only if it still owns the reminder: the new owner's first tick is due after it read the change, so the old
/// owner's check for that tick sees the change too, and two owners never fire the same tick. If the table cannot
/// be read the tick is skipped rather than risk a second owner.
/// </remarks>
internal sealed partial class ReminderService(
    IReminderTable table,
    IRangeOwnership ownership,
    IServiceProvider services,
    TimeProvider clock,
    IOptions<ReminderOptions> options,
    ILogger<ReminderService> logger) : IReminderRegistry, ISiloLifecycleParticipant
{
    private readonly ConcurrentDictionary<(GrainId Grain, string Name), LocalReminder> _local = new();
    private readonly CancellationTokenSource _stopping = new();
    private IGrainFactory? _grainFactory;
    private MembershipAgent? _membership;
    private ITimer? _refreshTimer;
    private int _refreshing;

    public int Stage => SiloLifecycleStage.ApplicationServices;

    private TimeProvider Clock => clock;

    private IGrainFactory GrainFactory => _grainFactory ??= services.GetRequiredService<IGrainFactory>();

    // Only a clustered silo (one with a membership table) shares its ranges; a lone silo owns the whole ring.
    private MembershipAgent? Membership => _membership ??= services.GetService<IMembershipTable>() is null ? null : services.GetRequiredService<MembershipAgent>();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync().ConfigureAwait(false);
        ownership.RangesChanged += OnRangesChanged;
        var period = options.Value.RefreshPeriod;
        _refreshTimer = clock.CreateTimer(_ => OnRangesChanged(), null, period, period);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        ownership.RangesChanged -= OnRangesChanged;
        _stopping.Cancel();
        _refreshTimer?.Dispose();
        foreach (var reminder in _local.Values)
        {
            reminder.Dispose();
        }
        _local.Clear();
        return Task.CompletedTask;
    }

    public async Task<IGrainReminder> RegisterOrUpdateReminder(GrainId callingGrainId, string reminderName, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reminderName);
        if (dueTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, $"Reminder '{reminderName}': the due time cannot be negative.");
        }
        if (period < options.Value.MinimumReminderPeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period,
                $"Reminder '{reminderName}': the period {period} is shorter than the minimum {options.Value.MinimumReminderPeriod} (ReminderOptions.MinimumReminderPeriod).");
        }
        var entry = new ReminderEntry(callingGrainId, reminderName, clock.GetUtcNow() + dueTime, period);
        var etag = await table.UpsertRowAsync(entry).ConfigureAwait(false);
        entry = entry with { ETag = etag };
        if (ownership.Owns(entry.GrainHash))
        {
            Schedule(entry);
        }
        return new ReminderHandle(reminderName, etag);
    }

    public async Task UnregisterReminder(GrainId callingGrainId, IGrainReminder reminder)
    {
        var etag = (reminder as ReminderHandle)?.ETag;
        var removed = etag is not null && await table.RemoveRowAsync(callingGrainId, reminder.ReminderName, etag).ConfigureAwait(false);
        if (!removed && await table.ReadRowAsync(callingGrainId, reminder.ReminderName).ConfigureAwait(false) is { ETag: { } current })
        {
            // The handle was older than the row (re-registered since): the caller still means this reminder.
            await table.RemoveRowAsync(callingGrainId, reminder.ReminderName, current).ConfigureAwait(false);
        }
        if (_local.TryRemove((callingGrainId, reminder.ReminderName), out var local))
        {
            local.Dispose();
        }
    }

    public async Task<IGrainReminder?> GetReminder(GrainId callingGrainId, string reminderName)
        => await table.ReadRowAsync(callingGrainId, reminderName).ConfigureAwait(false) is { } row
            ? new ReminderHandle(row.ReminderName, row.ETag)
            : null;

    public async Task<IReadOnlyList<IGrainReminder>> GetReminders(GrainId callingGrainId)
        => (await table.ReadRowsAsync(callingGrainId).ConfigureAwait(false)).Select(r => (IGrainReminder)new ReminderHandle(r.ReminderName, r.ETag)).ToArray();

    private void OnRangesChanged() => _ = RefreshAsync();

    /// <summary>Brings the local timers in line with the table rows in this silo's ranges.</summary>
    private async Task RefreshAsync()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1)
        {
            return;
        }
        try
        {
            var rows = new Dictionary<(GrainId, string), ReminderEntry>();
            foreach (var (begin, end) in ownership.GetMyRanges())
            {
                foreach (var row in await table.ReadRowsAsync(begin, end, _stopping.Token).ConfigureAwait(false))
                {
                    rows[(row.GrainId, row.ReminderName)] = row;
                }
            }
            foreach (var (key, row) in rows)
            {
                if (!_local.TryGetValue(key, out var existing) || existing.Entry.ETag != row.ETag)
                {
                    Schedule(row);
                }
            }
            foreach (var key in _local.Keys.Where(k => !rows.ContainsKey(k)))
            {
                if (_local.TryRemove(key, out var gone))
                {
                    gone.Dispose();
                }
            }
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested)
        {
            // A store outage must not stop reminders already scheduled; the next refresh tries again.
            LogRefreshFailed(logger, e);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private void Schedule(ReminderEntry entry)
    {
        var reminder = new LocalReminder(this, entry);
        if (_local.TryGetValue((entry.GrainId, entry.ReminderName), out var previous))
        {
            previous.Dispose();
        }
        _local[(entry.GrainId, entry.ReminderName)] = reminder;
        reminder.ScheduleNext();
    }

    private async Task FireAsync(LocalReminder reminder)
    {
        var entry = reminder.Entry;
        if (!await StillOwnsAsync(reminder).ConfigureAwait(false))
        {
            return;
        }
        try
        {
            var grain = GrainFactory.GetGrain<IRemindable>(entry.GrainId);
            await grain.ReceiveReminder(entry.ReminderName, new TickStatus(entry.StartAt, entry.Period, clock.GetUtcNow())).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogTickFailed(logger, e, entry.ReminderName, entry.GrainId);
        }
        reminder.ScheduleNext();
    }

    /// <summary>The fence before a tick: false (and the tick skipped) if another silo may own the reminder now.</summary>
    private async Task<bool> StillOwnsAsync(LocalReminder reminder)
    {
        if (Membership is not { } membership)
        {
            return true;
        }
        try
        {
            await membership.EnsureCurrentViewAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogFenceFailed(logger, e, reminder.Entry.ReminderName, reminder.Entry.GrainId);
            reminder.ScheduleNext();
            return false;
        }
        if (ownership.Owns(reminder.Entry.GrainHash))
        {
            return true;
        }
        // Handed over: the new owner fires it from now on (the range refresh drops it here too).
        var key = (reminder.Entry.GrainId, reminder.Entry.ReminderName);
        if (_local.TryRemove(new KeyValuePair<(GrainId, string), LocalReminder>(key, reminder)))
        {
            reminder.Dispose();
        }
        LogHandedOver(logger, reminder.Entry.ReminderName, reminder.Entry.GrainId);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped a tick of reminder '{ReminderName}' of {GrainId}: the membership table could not be read to confirm this silo still owns it")]
    private static partial void LogFenceFailed(ILogger logger, Exception exception, string reminderName, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reminder '{ReminderName}' of {GrainId} moved to another silo; not firing it here")]
    private static partial void LogHandedOver(ILogger logger, string reminderName, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading reminders failed; keeping the current schedule")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminder '{ReminderName}' of {GrainId} failed")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, string reminderName, GrainId grainId);

    private sealed record ReminderHandle(string ReminderName, string? ETag) : IGrainReminder;

    /// <summary>The timer of one reminder this silo owns.</summary>
    private sealed class LocalReminder(ReminderService service, ReminderEntry entry) : IDisposable
    {
        private static readonly TimeSpan JustDueTolerance = TimeSpan.FromSeconds(1);

        private ITimer? _timer;
        private volatile bool _disposed;
        private bool _scheduledBefore;

        public ReminderEntry Entry { get; } = entry;

        public void ScheduleNext()
        {
            if (_disposed)
            {
                return;
            }
            var now = service.Clock.GetUtcNow();
            var next = Entry.StartAt;
            var justRegistered = !_scheduledBefore && now - Entry.StartAt < JustDueTolerance;
            _scheduledBefore = true;
            if (justRegistered)
            {
                // Registered with (almost) no due time: the first tick is now, not a period later.
                next = next < now ? now : next;
            }
            else if (next <= now)
            {
                // The first tick strictly after now; missed ticks are skipped.
                var periods = (long)((now - Entry.StartAt).Ticks / Entry.Period.Ticks) + 1;
                next = Entry.StartAt + TimeSpan.FromTicks(Entry.Period.Ticks * periods);
            }
            _timer?.Dispose();
            _timer = service.Clock.CreateTimer(_ => _ = service.FireAsync(this), null, next - now, Timeout.InfiniteTimeSpan);
        }

        public void Dispose()
        {
            _disposed = true;
            _timer?.Dispose();
        }
    }
}
