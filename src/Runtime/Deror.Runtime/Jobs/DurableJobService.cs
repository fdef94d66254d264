using System.Threading.Channels;
using Deror.Configuration;
using Deror.Hosting;
using Deror.Runtime.Membership;
using Deror.Runtime.Ring;
using Deror.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Runtime.Jobs;

/// <summary>
/// Runs durable one-shot jobs whose target grains hash into this silo's ranges. A job stays in the
/// <see cref="IDurableJobStore"/> until its handler succeeds (at-least-once); a failure reschedules it with
/// exponential backoff until <see cref="DurableJobOptions.MaxAttempts"/> is reached. Every completion and
/// reschedule is compare-and-set on the job's etag, so a job is never completed twice.
/// </summary>
/// <remarks>
/// Built for bursts (thousands of jobs due in the same second): a poll loop reads jobs due within
/// <see cref="DurableJobOptions.LookAhead"/> per owned range, in pages, and holds them in one due-time queue; a
/// dispatcher waits precisely for the earliest, takes every job due by then (up to a batch), checks the batch against
/// the store in one read (a job cancelled, rescheduled or completed elsewhere since it was read is skipped) and,
/// on a cluster, fences it against ownership hand-over as reminders do (the view is brought up to the membership
/// table before firing, and jobs this silo no longer owns are let go); then it runs them with at most
/// <see cref="DurableJobOptions.MaxConcurrentJobs"/> at once. Completions are acknowledged (removed) in batches.
/// A job stays held until its acknowledgement is stored, so no poll reads it back in between.
/// </remarks>
internal sealed partial class DurableJobService(
    IDurableJobStore store,
    IRangeOwnership ownership,
    IServiceProvider services,
    TimeProvider clock,
    IOptions<DurableJobOptions> options,
    ILogger<DurableJobService> logger) : IDurableJobManager, ISiloLifecycleParticipant
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    private readonly DurableJobOptions _options = options.Value;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HeldJob> _held = new(StringComparer.Ordinal);
    private readonly PriorityQueue<HeldJob, long> _waiting = new();
    private readonly Channel<HeldJob> _completed = Channel.CreateUnbounded<HeldJob>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _concurrency = new(options.Value.MaxConcurrentJobs);
    private readonly SemaphoreSlim _pollWake = new(0);
    private TaskCompletionSource _dispatchWake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IGrainFactory? _grainFactory;
    private MembershipAgent? _membership;
    private Task? _pollLoop;
    private Task? _dispatchLoop;
    private Task? _acknowledgeLoop;
    private int _running;

    public int Stage => SiloLifecycleStage.ApplicationServices;

    private IGrainFactory GrainFactory => _grainFactory ??= services.GetRequiredService<IGrainFactory>();

    // Only a clustered silo (one with a membership table) shares its ranges; a lone silo owns the whole ring.
    private MembershipAgent? Membership => _membership ??= services.GetService<IMembershipTable>() is null ? null : services.GetRequiredService<MembershipAgent>();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ownership.RangesChanged += OnRangesChanged;
        _pollLoop = Task.Run(PollLoopAsync, CancellationToken.None);
        _dispatchLoop = Task.Run(DispatchLoopAsync, CancellationToken.None);
        _acknowledgeLoop = Task.Run(AcknowledgeLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        ownership.RangesChanged -= OnRangesChanged;
        _stopping.Cancel();
        _dispatchWake.TrySetResult();
        await Task.WhenAll(_pollLoop ?? Task.CompletedTask, _dispatchLoop ?? Task.CompletedTask).ConfigureAwait(false);
        // Jobs still running finish or fail on their own; unfinished ones stay in the store for the next owner.
        while (Volatile.Read(ref _running) > 0 && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
        }
        _completed.Writer.TryComplete();
        try
        {
            await (_acknowledgeLoop ?? Task.CompletedTask).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Completions not stored in time run again on the next owner (at-least-once).
        }
    }

    public async Task<ScheduledJob> ScheduleJobAsync(GrainId target, string jobName, DateTimeOffset dueTime, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobName);
        if (target.IsDefault)
        {
            throw new ArgumentException("A job needs a target grain.", nameof(target));
        }
        var job = new DurableJobEntry(Guid.NewGuid().ToString("N"), target, jobName, dueTime, 0, metadata ?? NoMetadata);
        var etag = await store.AddAsync(job, cancellationToken).ConfigureAwait(false);
        job = job with { ETag = etag };
        LogScheduled(logger, job.JobId, jobName, target, dueTime);
        if (ownership.Owns(job.TargetHash) && dueTime <= clock.GetUtcNow() + _options.LookAhead)
        {
            Hold(job);
        }
        return new ScheduledJob(job.JobId, jobName, target, dueTime);
    }

    public async Task<bool> TryCancelJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        if (await store.ReadAsync(jobId, cancellationToken).ConfigureAwait(false) is not { ETag: { } etag })
        {
            return false;
        }
        var removed = await store.RemoveAsync(jobId, etag, cancellationToken).ConfigureAwait(false);
        if (removed)
        {
            lock (_lock)
            {
                if (_held.TryGetValue(jobId, out var held) && !held.Dispatched)
                {
                    Drop(held);
                }
            }
        }
        return removed;
    }

    /// <summary>Takes a job read from the store into memory, unless it is already held or memory is full; false then.</summary>
    private bool Hold(DurableJobEntry job)
    {
        lock (_lock)
        {
            if (_stopping.IsCancellationRequested || _held.Count >= _options.MaxHeldJobs || _held.ContainsKey(job.JobId))
            {
                return false;
            }
            var held = new HeldJob(job);
            _held.Add(job.JobId, held);
            var earliest = _waiting.TryPeek(out _, out var first) ? first : long.MaxValue;
            _waiting.Enqueue(held, job.DueTime.UtcTicks);
            if (job.DueTime.UtcTicks < earliest)
            {
                _dispatchWake.TrySetResult();
            }
            return true;
        }
    }

    // Under _lock. A dropped job's queue entry is skipped when the dispatcher reaches it.
    private void Drop(HeldJob held)
    {
        held.Dropped = true;
        _held.Remove(held.Entry.JobId);
    }

    /// <summary>Lets go of a job after its run: if it is still in the store, the next poll reads it again.</summary>
    private void Release(HeldJob held)
    {
        lock (_lock)
        {
            if (_held.TryGetValue(held.Entry.JobId, out var current) && ReferenceEquals(current, held))
            {
                _held.Remove(held.Entry.JobId);
            }
        }
    }

    private void OnRangesChanged()
    {
        lock (_lock)
        {
            foreach (var held in _held.Values.Where(h => !h.Dispatched && !ownership.Owns(h.Entry.TargetHash)).ToList())
            {
                Drop(held);
            }
        }
        _pollWake.Release();
    }

    private async Task PollLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var more = false;
            try
            {
                more = await PollOnceAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The store may be briefly unavailable; jobs wait there and are picked up by the next poll.
                LogPollFailed(logger, e);
            }
            if (more)
            {
                continue;
            }
            try
            {
                await _pollWake.WaitAsync(_options.PollInterval, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Reads one page per owned range; true if a page was full of new jobs, so more may be waiting.</summary>
    private async Task<bool> PollOnceAsync()
    {
        var horizon = clock.GetUtcNow() + _options.LookAhead;
        var more = false;
        foreach (var (begin, end) in ownership.GetMyRanges())
        {
            int held;
            lock (_lock)
            {
                held = _held.Count;
            }
            if (held >= _options.MaxHeldJobs)
            {
                return false;
            }
            // The store has no cursor: jobs already held come first in the page, so ask for that many more.
            var pageSize = held + _options.BatchSize;
            var page = await store.ReadDueAsync(begin, end, horizon, pageSize, _stopping.Token).ConfigureAwait(false);
            var taken = 0;
            foreach (var job in page)
            {
                if (ownership.Owns(job.TargetHash) && Hold(job))
                {
                    taken++;
                }
            }
            more |= page.Count == pageSize && taken > 0;
        }
        return more;
    }

    private async Task DispatchLoopAsync()
    {
        var batch = new List<HeldJob>();
        while (!_stopping.IsCancellationRequested)
        {
            Task wake;
            long? next;
            lock (_lock)
            {
                if (_dispatchWake.Task.IsCompleted)
                {
                    _dispatchWake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                wake = _dispatchWake.Task;
                next = TakeDue(batch);
            }
            if (batch.Count > 0)
            {
                await RunBatchAsync(batch).ConfigureAwait(false);
                batch.Clear();
                continue;
            }
            await WaitAsync(next, wake).ConfigureAwait(false);
        }
    }

    /// <summary>Under _lock: moves due jobs (up to a batch) into <paramref name="batch"/>; returns the next due time.</summary>
    private long? TakeDue(List<HeldJob> batch)
    {
        var now = clock.GetUtcNow().UtcTicks;
        while (_waiting.TryPeek(out var held, out var due))
        {
            if (held.Dropped)
            {
                _waiting.Dequeue();
                continue;
            }
            if (due > now || batch.Count >= _options.BatchSize)
            {
                return due;
            }
            _waiting.Dequeue();
            held.Dispatched = true;
            batch.Add(held);
        }
        return null;
    }

    /// <summary>Waits until <paramref name="dueTicks"/> (or forever without one), or until woken by an earlier job or a stop.</summary>
    private async Task WaitAsync(long? dueTicks, Task wake)
    {
        var delay = dueTicks is { } due ? TimeSpan.FromTicks(Math.Max(0, due - clock.GetUtcNow().UtcTicks)) : Timeout.InfiniteTimeSpan;
        using var woken = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var timer = Task.Delay(delay, clock, woken.Token);
        await Task.WhenAny(timer, wake).ConfigureAwait(false);
        await woken.CancelAsync().ConfigureAwait(false);
        await timer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Checks a batch of due jobs against the store and ownership, then starts each within the concurrency bound.</summary>
    private async Task RunBatchAsync(List<HeldJob> batch)
    {
        Dictionary<string, DurableJobEntry> stored;
        try
        {
            if (Membership is { } membership)
            {
                await membership.EnsureCurrentViewAsync().ConfigureAwait(false);
            }
            // A poll may have read a job just before it was cancelled, rescheduled or completed: run only what is still stored as read.
            var current = await store.ReadManyAsync([.. batch.Select(h => h.Entry.JobId)], _stopping.Token).ConfigureAwait(false);
            stored = current.ToDictionary(job => job.JobId, StringComparer.Ordinal);
        }
        catch (Exception e)
        {
            if (!_stopping.IsCancellationRequested)
            {
                LogBatchCheckFailed(logger, e, batch.Count);
            }
            batch.ForEach(Release);
            return;
        }
        for (var i = 0; i < batch.Count; i++)
        {
            var held = batch[i];
            if (!stored.TryGetValue(held.Entry.JobId, out var job) || job.ETag != held.Entry.ETag || !ownership.Owns(job.TargetHash))
            {
                Release(held);
                continue;
            }
            try
            {
                await _concurrency.WaitAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                batch.Skip(i).ToList().ForEach(Release);
                return;
            }
            Interlocked.Increment(ref _running);
            _ = RunAsync(held, job);
        }
    }

    private async Task RunAsync(HeldJob held, DurableJobEntry job)
    {
        DurableJobEntry? retry = null;
        try
        {
            var attempt = job.Attempt + 1;
            DerorTelemetry.JobLateness.Record(Math.Max(0, (clock.GetUtcNow() - job.DueTime).TotalMilliseconds));
            try
            {
                var handler = GrainFactory.GetGrain<IDurableJobHandler>(job.Target);
                await handler.ExecuteJobAsync(new DurableJobContext(job.JobId, job.JobName, job.DueTime, attempt, job.Metadata)).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                retry = await OnFailureAsync(job, attempt, e).ConfigureAwait(false);
                Release(held);
                return;
            }
            if (!_completed.Writer.TryWrite(held))
            {
                Release(held); // Stopping: the next owner runs it again (at-least-once).
            }
        }
        finally
        {
            _concurrency.Release();
            Interlocked.Decrement(ref _running);
            if (retry is not null && retry.DueTime <= clock.GetUtcNow() + _options.LookAhead)
            {
                Hold(retry);
            }
        }
    }

    /// <summary>Stores completions in batches: every completion that arrived while the previous batch was stored.</summary>
    private async Task AcknowledgeLoopAsync()
    {
        var reader = _completed.Reader;
        var batch = new List<HeldJob>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _options.BatchSize && reader.TryRead(out var held))
            {
                batch.Add(held);
            }
            try
            {
                var removed = await store.RemoveManyAsync([.. batch.Select(h => (h.Entry.JobId, h.Entry.ETag!))], CancellationToken.None).ConfigureAwait(false);
                foreach (var held in batch.Where(h => !removed.Contains(h.Entry.JobId)))
                {
                    LogCompletionRaced(logger, held.Entry.JobId);
                }
            }
            catch (Exception e)
            {
                // The jobs ran but their completion was not recorded: they will run again (at-least-once).
                LogCompletionsNotRecorded(logger, e, batch.Count);
            }
            batch.ForEach(Release);
            batch.Clear();
        }
    }

    private async Task<DurableJobEntry?> OnFailureAsync(DurableJobEntry job, int attempt, Exception error)
    {
        try
        {
            if (attempt >= _options.MaxAttempts)
            {
                LogGaveUp(logger, error, job.JobId, job.JobName, job.Target, attempt);
                await store.RemoveAsync(job.JobId, job.ETag!, CancellationToken.None).ConfigureAwait(false);
                return null;
            }
            var retryAt = clock.GetUtcNow() + _options.BackoffAfter(attempt);
            LogRetrying(logger, error, job.JobId, job.JobName, attempt, retryAt);
            var etag = await store.RescheduleAsync(job.JobId, retryAt, attempt, job.ETag!, CancellationToken.None).ConfigureAwait(false);
            return etag is null ? null : job with { DueTime = retryAt, Attempt = attempt, ETag = etag };
        }
        catch (Exception e)
        {
            LogRescheduleFailed(logger, e, job.JobId);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Scheduled job {JobId} '{JobName}' for {Target} at {DueTime:O}")]
    private static partial void LogScheduled(ILogger logger, string jobId, string jobName, GrainId target, DateTimeOffset dueTime);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling for due jobs failed; retrying")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking {Count} due job(s) before running them failed; they stay in the store and are read again")]
    private static partial void LogBatchCheckFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} '{JobName}' failed on attempt {Attempt}; retrying at {RetryAt:O}")]
    private static partial void LogRetrying(ILogger logger, Exception exception, string jobId, string jobName, int attempt, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} '{JobName}' for {Target} gave up after {Attempts} attempt(s)")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string jobId, string jobName, GrainId target, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} changed in the store while it ran (cancelled or taken over); not completing it again")]
    private static partial void LogCompletionRaced(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} job(s) ran but their completion could not be stored; they will run again")]
    private static partial void LogCompletionsNotRecorded(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed and could not be rescheduled; it stays due and will be retried")]
    private static partial void LogRescheduleFailed(ILogger logger, Exception exception, string jobId);
}
