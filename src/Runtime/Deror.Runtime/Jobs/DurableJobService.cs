using System.Collections.Concurrent;
using Deror.Configuration;
using Deror.Hosting;
using Deror.Runtime.Ring;
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
    private readonly ConcurrentDictionary<string, ITimer?> _claimed = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _concurrency = new(options.Value.MaxConcurrentJobs);
    private readonly SemaphoreSlim _wake = new(0);
    private IGrainFactory? _grainFactory;
    private Task? _pollLoop;
    private int _running;

    public int Stage => SiloLifecycleStage.ApplicationServices;

    private IGrainFactory GrainFactory => _grainFactory ??= services.GetRequiredService<IGrainFactory>();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ownership.RangesChanged += Wake;
        _pollLoop = Task.Run(PollLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        ownership.RangesChanged -= Wake;
        _stopping.Cancel();
        foreach (var timer in _claimed.Values)
        {
            timer?.Dispose();
        }
        if (_pollLoop is not null)
        {
            await _pollLoop.ConfigureAwait(false);
        }
        // Jobs still running finish or fail on their own; unfinished ones stay in the store for the next owner.
        while (Volatile.Read(ref _running) > 0 && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
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
        if (ownership.Owns(job.TargetHash) && dueTime <= clock.GetUtcNow() + _options.PollInterval)
        {
            Claim(job);
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
        if (removed && _claimed.TryRemove(jobId, out var timer))
        {
            timer?.Dispose();
        }
        return removed;
    }

    private void Wake() => _wake.Release();

    private async Task PollLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                var horizon = clock.GetUtcNow() + _options.PollInterval;
                foreach (var (begin, end) in ownership.GetMyRanges())
                {
                    foreach (var job in await store.ReadDueAsync(begin, end, horizon, _options.BatchSize, _stopping.Token).ConfigureAwait(false))
                    {
                        Claim(job);
                    }
                }
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
            try
            {
                await _wake.WaitAsync(_options.PollInterval, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Takes a due (or soon due) job into this silo's hands, unless it is already held.</summary>
    private void Claim(DurableJobEntry job)
    {
        if (_stopping.IsCancellationRequested || !_claimed.TryAdd(job.JobId, null))
        {
            return;
        }
        var delay = job.DueTime - clock.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            _ = RunAsync(job);
            return;
        }
        var timer = clock.CreateTimer(_ => _ = RunAsync(job), null, delay, Timeout.InfiniteTimeSpan);
        if (!_claimed.TryUpdate(job.JobId, timer, null))
        {
            timer.Dispose();
        }
    }

    private async Task RunAsync(DurableJobEntry job)
    {
        Interlocked.Increment(ref _running);
        try
        {
            await _concurrency.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Release(job);
            Interlocked.Decrement(ref _running);
            return;
        }
        DurableJobEntry? retry = null;
        try
        {
            retry = await ExecuteAsync(job).ConfigureAwait(false);
        }
        finally
        {
            _concurrency.Release();
            Release(job);
            Interlocked.Decrement(ref _running);
        }
        if (retry is not null && retry.DueTime <= clock.GetUtcNow() + _options.PollInterval)
        {
            Claim(retry);
        }
    }

    /// <summary>Runs the job once; returns its rescheduled entry when it failed and will be retried.</summary>
    private async Task<DurableJobEntry?> ExecuteAsync(DurableJobEntry claimed)
    {
        // A poll may have read the job just before an earlier run completed it: run only what is still stored as read.
        var job = await store.ReadAsync(claimed.JobId, CancellationToken.None).ConfigureAwait(false);
        if (job is null || job.ETag != claimed.ETag)
        {
            return null;
        }
        var attempt = job.Attempt + 1;
        try
        {
            var handler = GrainFactory.GetGrain<IDurableJobHandler>(job.Target);
            await handler.ExecuteJobAsync(new DurableJobContext(job.JobId, job.JobName, job.DueTime, attempt, job.Metadata)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return await OnFailureAsync(job, attempt, e).ConfigureAwait(false);
        }
        try
        {
            if (!await store.RemoveAsync(job.JobId, job.ETag!, CancellationToken.None).ConfigureAwait(false))
            {
                LogCompletionRaced(logger, job.JobId);
            }
        }
        catch (Exception e)
        {
            // The job ran but its completion was not recorded: it will run again (at-least-once).
            LogCompletionNotRecorded(logger, e, job.JobId);
        }
        return null;
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

    // Letting go makes the next poll pick the job up again if it is still in the store.
    private void Release(DurableJobEntry job)
    {
        if (_claimed.TryRemove(job.JobId, out var timer))
        {
            timer?.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Scheduled job {JobId} '{JobName}' for {Target} at {DueTime:O}")]
    private static partial void LogScheduled(ILogger logger, string jobId, string jobName, GrainId target, DateTimeOffset dueTime);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling for due jobs failed; retrying")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} '{JobName}' failed on attempt {Attempt}; retrying at {RetryAt:O}")]
    private static partial void LogRetrying(ILogger logger, Exception exception, string jobId, string jobName, int attempt, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} '{JobName}' for {Target} gave up after {Attempts} attempt(s)")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string jobId, string jobName, GrainId target, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} changed in the store while it ran (cancelled or taken over); not completing it again")]
    private static partial void LogCompletionRaced(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ran but its completion could not be stored; it will run again")]
    private static partial void LogCompletionNotRecorded(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed and could not be rescheduled; it stays due and will be retried")]
    private static partial void LogRescheduleFailed(ILogger logger, Exception exception, string jobId);
}
