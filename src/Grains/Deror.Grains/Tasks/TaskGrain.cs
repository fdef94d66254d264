using Microsoft.Extensions.Logging;

namespace Deror.Grains;

/// <summary>
/// One task's lifecycle. Every transition is validated (<see cref="TaskLifecycle"/>), persisted, then appended to the
/// cluster's event log. Deferred starts, retries, timeouts, cron occurrences and the "still no node" backstop are
/// durable jobs, so they happen even if the silo holding the task dies.
/// </summary>
public sealed partial class TaskGrain(
    [PersistentState("task")] IPersistentState<TaskGrainState> state,
    LifecycleLog log,
    IDurableJobManager jobs,
    TimeProvider clock,
    ILogger<TaskGrain> logger) : Grain, ITaskGrain, IDurableJobHandler
{
    /// <summary>Bound on the captured output kept per task (the newest part is kept).</summary>
    public const int MaxLogChars = 64 * 1024;

    private const int MaxHistory = 50;
    private const int MaxRuns = 100;
    private const string StartJob = "start";
    private const string TimeoutJob = "timeout";
    private const string CronJob = "cron";

    /// <summary>How long a task that found no node waits before asking again on its own (the cluster also calls back).</summary>
    private static readonly TimeSpan NoNodeRetry = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan MaxRetryBackoff = TimeSpan.FromMinutes(5);

    private string Id => this.GetPrimaryKeyString();

    private TaskGrainState S => state.State;

    private IClusterGrain Cluster => GrainFactory.GetGrain<IClusterGrain>(log.ClusterId);

    public async Task<TaskInfo> Submit(TaskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var content = TaskIds.ContentOf(spec);
        if (S.Submitted)
        {
            if (S.Content != content)
            {
                throw new InvalidSpecException($"Task '{Id}' was already submitted with a different spec (an idempotency key can name only one task).");
            }
            return Info();
        }
        TaskSpecValidator.Validate(spec);
        if (spec.Node is { } pinned && !(await Cluster.GetNodes()).Any(n => n.Name == pinned))
        {
            throw new NodeNotFoundException($"Node '{pinned}' is not known to cluster '{log.ClusterId}'.");
        }
        var now = clock.GetUtcNow();
        S.Submitted = true;
        S.Spec = spec;
        S.Content = content;
        S.CreatedAt = now;
        S.State = TaskState.Pending;
        if (spec.Cron is not null)
        {
            await ScheduleNextCronRunAsync(now);
            await RecordAsync(TaskState.Pending, TaskState.Pending, $"schedule '{spec.Cron}' accepted; next run at {S.NextRunAt:u}");
        }
        else if (spec.RunAt is { } runAt && runAt > now)
        {
            S.NextRunAt = runAt;
            await AddJobAsync(StartJob, runAt);
            await RecordAsync(TaskState.Pending, TaskState.Pending, $"accepted; starts at {runAt:u}");
        }
        else
        {
            await RecordAsync(TaskState.Pending, TaskState.Pending, "accepted");
            await TryScheduleAsync();
        }
        return Info();
    }

    public Task<TaskInfo> GetInfo()
    {
        EnsureSubmitted();
        return Task.FromResult(Info());
    }

    public Task<TaskLogs> GetLogs()
    {
        EnsureSubmitted();
        return Task.FromResult(new TaskLogs(Id, S.Attempt, S.Logs, S.LogsTruncated));
    }

    public async Task<TaskInfo> Cancel(string reason)
    {
        EnsureSubmitted();
        if (S.State.IsTerminal())
        {
            throw new InvalidStateException($"Task '{Id}' is {S.State}; only a task that has not finished can be cancelled.");
        }
        var node = S.Node;
        S.FinishedAt = clock.GetUtcNow();
        S.NextRunAt = null;
        await CancelJobsAsync();
        await TransitionAsync(TaskState.Cancelled, string.IsNullOrWhiteSpace(reason) ? "cancelled" : reason);
        await ReleaseAsync(node);
        return Info();
    }

    public async Task ReportStarted(string node, int attempt)
    {
        if (!S.Submitted || S.State.IsTerminal() || attempt < S.Attempt || S.State == TaskState.Running && attempt == S.Attempt)
        {
            return;
        }
        S.Attempt = attempt;
        S.Node = node;
        S.StartedAt = clock.GetUtcNow();
        S.NextRunAt = null;
        if (S.Spec.Timeout is { } timeout)
        {
            await AddJobAsync(TimeoutJob, S.StartedAt.Value + timeout, attempt);
        }
        await TransitionAsync(TaskState.Running, $"running on {node} (attempt {attempt})");
    }

    public async Task ReportOutput(int attempt, string text)
    {
        if (!S.Submitted || S.State.IsTerminal() || attempt != S.Attempt || string.IsNullOrEmpty(text))
        {
            return;
        }
        AppendLogs(text);
        await state.WriteStateAsync();
    }

    public async Task ReportFinished(string node, int attempt, TaskOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (!S.Submitted || S.State.IsTerminal())
        {
            return; // Completion is recorded once; a second report (e.g. from a node thought lost) changes nothing.
        }
        var current = attempt == S.Attempt;
        if (!outcome.Succeeded && (!current || attempt <= S.LastFinishedAttempt))
        {
            return; // A superseded execution failed, or this failure was already counted: the current one decides.
        }
        S.LastFinishedAttempt = Math.Max(S.LastFinishedAttempt, attempt);
        var runningNode = S.Node;
        S.Node = node;
        S.ExitCode = outcome.ExitCode;
        S.Error = outcome.Error;
        if (outcome.Result is not null)
        {
            S.Result = outcome.Result;
        }
        S.Logs = "";
        S.LogsTruncated = false;
        AppendLogs(outcome.Logs);
        await CancelJobsAsync();
        if (outcome.Succeeded)
        {
            S.FinishedAt = clock.GetUtcNow();
            await TransitionAsync(TaskState.Completed, current ? "completed" : $"completed by an earlier execution on {node}");
            await ReleaseAsync(runningNode);
            if (runningNode != node)
            {
                await ReleaseAsync(node);
            }
            return;
        }
        await FailAttemptAsync(outcome.TimedOut, outcome.Error ?? $"exited with code {outcome.ExitCode}");
        await ReleaseAsync(runningNode);
    }

    public async Task NodeLost(string node, string reason)
    {
        if (!S.Submitted || S.State.IsTerminal() || S.Node != node || S.State is not (TaskState.Scheduled or TaskState.Running))
        {
            return;
        }
        await CancelJobsAsync();
        await TransitionAsync(TaskState.Pending, $"node {node} lost ({reason}); rescheduling");
        await TryScheduleAsync();
    }

    public async Task Reschedule(string reason)
    {
        if (!S.Submitted || S.State != TaskState.Pending || S.NextRunAt > clock.GetUtcNow() || S.Spec.Cron is not null)
        {
            return;
        }
        LogRescheduling(logger, Id, reason);
        await TryScheduleAsync();
    }

    public async Task ExecuteJobAsync(DurableJobContext context)
    {
        S.JobIds.Remove(context.JobId);
        switch (context.JobName)
        {
            case StartJob when S.State == TaskState.Pending && S.Spec.Cron is null:
                S.NextRunAt = null;
                await TryScheduleAsync();
                break;
            case TimeoutJob when S.State == TaskState.Running && context.Metadata.TryGetValue("attempt", out var attempt) && attempt == S.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture):
                var node = S.Node;
                S.LastFinishedAttempt = S.Attempt;
                S.Error = $"timed out after {S.Spec.Timeout}";
                await FailAttemptAsync(timedOut: true, S.Error);
                await ReleaseAsync(node);
                break;
            case CronJob when S.State == TaskState.Pending && S.Spec.Cron is not null:
                await StartCronRunAsync(context.DueTime);
                break;
            default:
                await state.WriteStateAsync();
                break;
        }
    }

    /// <summary>Asks the cluster for a node; stays Pending (with a backstop job) when none has room.</summary>
    private async Task TryScheduleAsync()
    {
        var assignment = new TaskAssignment(Id, S.Attempt + 1, S.Spec);
        var node = await Cluster.Schedule(Id, assignment);
        if (!S.State.IsTerminal() && S.State == TaskState.Pending)
        {
            if (node is null)
            {
                await AddJobAsync(StartJob, clock.GetUtcNow() + NoNodeRetry);
                S.Reason = "waiting for a Healthy node with room";
                await state.WriteStateAsync();
                return;
            }
            S.Attempt = assignment.Attempt;
            S.Node = node;
            S.ScheduledAt = clock.GetUtcNow();
            await TransitionAsync(TaskState.Scheduled, $"assigned to {node}");
        }
    }

    private async Task FailAttemptAsync(bool timedOut, string error)
    {
        S.FailedAttempts++;
        if (S.FailedAttempts < S.Spec.MaxAttempts)
        {
            var backoff = TimeSpan.FromTicks(Math.Min(MaxRetryBackoff.Ticks, S.Spec.RetryBackoff.Ticks * (1L << Math.Min(S.FailedAttempts - 1, 20))));
            S.NextRunAt = clock.GetUtcNow() + backoff;
            await AddJobAsync(StartJob, S.NextRunAt.Value);
            await TransitionAsync(TaskState.Pending, $"attempt {S.FailedAttempts} of {S.Spec.MaxAttempts} {(timedOut ? "timed out" : "failed")}: {error}; retrying at {S.NextRunAt:u}");
            return;
        }
        S.FinishedAt = clock.GetUtcNow();
        S.Error = error;
        await TransitionAsync(timedOut ? TaskState.TimedOut : TaskState.Failed,
            S.Spec.MaxAttempts > 1 ? $"gave up after {S.FailedAttempts} attempts: {error}" : error);
    }

    private async Task StartCronRunAsync(DateTimeOffset occurrence)
    {
        var runId = $"{Id}-{occurrence.UtcDateTime:yyyyMMddHHmmss}";
        var runSpec = S.Spec with { Cron = null, RunAt = null, IdempotencyKey = null, Deduplicate = false, Name = $"{S.Spec.Name} @ {occurrence.UtcDateTime:u}" };
        // Idempotent by id: if this job runs twice, the second submit returns the first run.
        await GrainFactory.GetGrain<ITaskGrain>(runId).Submit(runSpec);
        if (!S.Runs.Contains(runId))
        {
            S.Runs.Add(runId);
            if (S.Runs.Count > MaxRuns)
            {
                S.Runs.RemoveAt(0);
            }
        }
        await ScheduleNextCronRunAsync(clock.GetUtcNow());
        await state.WriteStateAsync();
    }

    private async Task ScheduleNextCronRunAsync(DateTimeOffset after)
    {
        var next = TaskSpecValidator.ParseCron(S.Spec.Cron!).GetNextOccurrence(after.UtcDateTime);
        S.NextRunAt = new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc));
        await AddJobAsync(CronJob, S.NextRunAt.Value);
    }

    private async Task AddJobAsync(string name, DateTimeOffset due, int? attempt = null)
    {
        var metadata = attempt is { } a ? new Dictionary<string, string> { ["attempt"] = a.ToString(System.Globalization.CultureInfo.InvariantCulture) } : null;
        var job = await this.ScheduleJobAsync(name, due, metadata);
        S.JobIds.Add(job.JobId);
    }

    private async Task CancelJobsAsync()
    {
        foreach (var jobId in S.JobIds)
        {
            await jobs.TryCancelJobAsync(jobId);
        }
        S.JobIds.Clear();
    }

    private async Task ReleaseAsync(string? node)
    {
        if (node is null)
        {
            return;
        }
        try
        {
            await GrainFactory.GetGrain<INodeGrain>(node).Release(Id);
        }
        catch (Exception e)
        {
            // The node forgets the task anyway when it is declared lost; the task's own state is already final.
            LogReleaseFailed(logger, Id, node, e);
        }
    }

    private async Task TransitionAsync(TaskState to, string reason)
    {
        var from = S.State;
        TaskLifecycle.EnsureAllowed(Id, from, to);
        S.State = to;
        DomainTelemetry.TaskEntered(to);
        await RecordAsync(from, to, reason);
    }

    private async Task RecordAsync(TaskState from, TaskState to, string reason)
    {
        var now = clock.GetUtcNow();
        S.Reason = reason;
        S.History.Add(new TaskTransition(from, to, reason, now, S.Attempt, S.Node));
        if (S.History.Count > MaxHistory)
        {
            S.History.RemoveAt(0);
        }
        await state.WriteStateAsync();
        await log.AppendAsync(LifecycleEvents.TaskTransition, Id, new TaskTransitionEvent(Summary(now), from, to, reason));
    }

    private void AppendLogs(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }
        var logs = S.Logs + text;
        if (logs.Length > MaxLogChars)
        {
            logs = logs[^MaxLogChars..];
            S.LogsTruncated = true;
        }
        S.Logs = logs;
    }

    private void EnsureSubmitted()
    {
        if (!S.Submitted)
        {
            DeactivateOnIdle();
            throw new TaskNotFoundException($"Task '{Id}' does not exist.");
        }
    }

    private TaskSummary Summary(DateTimeOffset now) => new()
    {
        Id = Id,
        Name = S.Spec.Name,
        Kind = S.Spec.Kind,
        State = S.State,
        Node = S.Node,
        Attempt = S.Attempt,
        CreatedAt = S.CreatedAt,
        UpdatedAt = now,
    };

    private TaskInfo Info() => new()
    {
        Id = Id,
        Spec = S.Spec,
        State = S.State,
        Reason = S.Reason,
        Attempt = S.Attempt,
        Node = S.Node,
        ExitCode = S.ExitCode,
        Result = S.Result,
        Error = S.Error,
        CreatedAt = S.CreatedAt,
        ScheduledAt = S.ScheduledAt,
        StartedAt = S.StartedAt,
        FinishedAt = S.FinishedAt,
        NextRunAt = S.NextRunAt,
        Runs = [.. S.Runs],
        History = [.. S.History],
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Task {TaskId}: scheduling again ({Reason})")]
    private static partial void LogRescheduling(ILogger logger, string taskId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: could not release it from node {Node}")]
    private static partial void LogReleaseFailed(ILogger logger, string taskId, string node, Exception exception);
}
