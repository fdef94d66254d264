using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Grains;

/// <summary>
/// One task's lifecycle. Every transition is validated (<see cref="TaskLifecycle"/>), persisted, then appended to the
/// cluster's event log. Deferred starts, retries, timeouts, cron occurrences and the "still no node" backstop are
/// durable jobs, so they happen even if the silo holding the task dies.
/// </summary>
/// <remarks>
/// A deferred start is staged: <see cref="TaskSchedulingOptions.StageAhead"/> before it is due, the task is assigned to
/// a node with its start time (<see cref="TaskAssignment.NotBefore"/>), and the node's sidecar starts it on time. It is
/// Scheduled from then on, with <see cref="TaskInfo.NextRunAt"/> saying when it starts.
/// Transitions that happen together are stored together: a submission is accepted and scheduled in one write (the node
/// is chosen first), and a short attempt's start and end arrive in one report and are stored in one write; their
/// events are appended in one batch. Each transition is still validated and logged on its own.
/// </remarks>
public sealed partial class TaskGrain(
    [PersistentState("task")] IPersistentState<TaskGrainState> state,
    LifecycleLog log,
    IDurableJobManager jobs,
    TimeProvider clock,
    IOptions<TaskSchedulingOptions> options,
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

    /// <summary>The longest a <see cref="WaitForEnd"/> call is held (below the callers' response timeout).</summary>
    private static readonly TimeSpan MaxEndWait = TimeSpan.FromSeconds(20);

    // Transitions recorded since the last write; appended to the event log once the state holding them is stored.
    private readonly List<TaskTransitionEvent> _unsaved = [];

    // Completed once the task's end is stored and in the event log: WaitForEnd interleaves with the turn that ends
    // the task, and must not answer with an end that is only in memory yet.
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private string Id => this.GetPrimaryKeyString();

    private TaskGrainState S => state.State;

    private IClusterGrain Cluster => GrainFactory.GetGrain<IClusterGrain>(log.ClusterId);

    private TimeSpan StageAhead => options.Value.StageAhead;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Submitted && S.State.IsTerminal())
        {
            _ended.TrySetResult();
        }
        return base.OnActivateAsync(cancellationToken);
    }

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
        if (spec.Cron is null && !(spec.RunAt - StageAhead > now))
        {
            return await SubmitAndScheduleAsync(spec, content, now);
        }
        Accept(spec, content, now);
        if (spec.Cron is not null)
        {
            await ScheduleNextCronRunAsync(now);
            Record(TaskState.Pending, TaskState.Pending, $"schedule '{spec.Cron}' accepted; next run at {S.NextRunAt:u}");
        }
        else
        {
            S.NextRunAt = spec.RunAt;
            await AddJobAsync(StartJob, StageTime(spec.RunAt!.Value));
            Record(TaskState.Pending, TaskState.Pending, $"accepted; starts at {spec.RunAt:u}");
        }
        await SaveAsync();
        return Info();
    }

    public async Task<TaskInfo> WaitForEnd(TimeSpan maxWait)
    {
        EnsureSubmitted();
        if (!_ended.Task.IsCompleted)
        {
            var wait = maxWait < TimeSpan.Zero ? TimeSpan.Zero : maxWait > MaxEndWait ? MaxEndWait : maxWait;
            await Task.WhenAny(_ended.Task, Task.Delay(wait, clock));
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
        Transition(TaskState.Cancelled, string.IsNullOrWhiteSpace(reason) ? "cancelled" : reason);
        await SaveAsync();
        await ReleaseAsync(node);
        return Info();
    }

    public async Task ReportStarted(string node, int attempt)
    {
        if (!S.Submitted)
        {
            await ForgetUnacceptedAsync(node);
            return;
        }
        if (S.State.IsTerminal() || attempt < S.Attempt || S.State == TaskState.Running && attempt == S.Attempt)
        {
            return;
        }
        Start(node, attempt, clock.GetUtcNow());
        if (S.Spec.Timeout is { } timeout)
        {
            await AddJobAsync(TimeoutJob, S.StartedAt!.Value + timeout, attempt);
        }
        await SaveAsync();
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
        if (!S.Submitted)
        {
            await ForgetUnacceptedAsync(node);
            return;
        }
        if (S.State.IsTerminal())
        {
            return; // Completion is recorded once; a second report (e.g. from a node thought lost) changes nothing.
        }
        var current = attempt == S.Attempt;
        if (!outcome.Succeeded && (!current || attempt <= S.LastFinishedAttempt))
        {
            return; // A superseded execution failed, or this failure was already counted: the current one decides.
        }
        var runningNode = S.Node;
        if (current && S.State == TaskState.Scheduled)
        {
            // A short attempt: its start comes with its end, and is recorded (and logged) first, in the same write.
            Start(node, attempt, outcome.StartedAt ?? clock.GetUtcNow());
        }
        S.LastFinishedAttempt = Math.Max(S.LastFinishedAttempt, attempt);
        S.Node = node;
        S.ExitCode = outcome.ExitCode;
        S.Error = outcome.Error;
        if (outcome.Result is not null)
        {
            S.Result = outcome.Result;
        }
        S.Logs = "";
        S.LogsTruncated = outcome.LogsTruncated;
        AppendLogs(outcome.Logs);
        await CancelJobsAsync();
        if (outcome.Succeeded)
        {
            S.FinishedAt = clock.GetUtcNow();
            Transition(TaskState.Completed, current ? "completed" : $"completed by an earlier execution on {node}");
            await SaveAsync();
            await ReleaseAsync(runningNode);
            if (runningNode != node)
            {
                await ReleaseAsync(node);
            }
            return;
        }
        await FailAttemptAsync(outcome.TimedOut, outcome.Error ?? $"exited with code {outcome.ExitCode}");
        await SaveAsync();
        await ReleaseAsync(runningNode);
    }

    public async Task NodeLost(string node, string reason)
    {
        if (!S.Submitted || S.State.IsTerminal() || S.Node != node || S.State is not (TaskState.Scheduled or TaskState.Running))
        {
            return;
        }
        await CancelJobsAsync();
        Transition(TaskState.Pending, $"node {node} lost ({reason}); rescheduling");
        await SaveAsync();
        await TryScheduleAsync();
    }

    public async Task Reschedule(string reason)
    {
        if (!S.Submitted || S.State != TaskState.Pending || S.NextRunAt - StageAhead > clock.GetUtcNow() || S.Spec.Cron is not null)
        {
            return;
        }
        LogRescheduling(logger, Id, reason);
        await TryScheduleAsync();
    }

    public async Task ExecuteJobAsync(DurableJobContext context)
    {
        if (!S.Submitted)
        {
            DeactivateOnIdle();
            return; // A job of a submission that failed after adding it.
        }
        S.JobIds.Remove(context.JobId);
        switch (context.JobName)
        {
            case StartJob when S.State == TaskState.Pending && S.Spec.Cron is null:
                await TryScheduleAsync();
                break;
            case TimeoutJob when S.State == TaskState.Running && context.Metadata.TryGetValue("attempt", out var attempt) && attempt == S.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture):
                var node = S.Node;
                S.LastFinishedAttempt = S.Attempt;
                S.Error = $"timed out after {S.Spec.Timeout}";
                await FailAttemptAsync(timedOut: true, S.Error);
                await SaveAsync();
                await ReleaseAsync(node);
                break;
            case CronJob when S.State == TaskState.Pending && S.Spec.Cron is not null:
                await StartCronRunAsync(context.DueTime);
                break;
            default:
                await SaveAsync();
                break;
        }
    }

    /// <summary>
    /// A new task that can start now: the node is chosen (and has the assignment stored) before the task is stored,
    /// so acceptance and scheduling are one write. Should that write fail, the caller hears so (nothing was accepted)
    /// and the node is told to forget the assignment; had the silo died instead, the node's sidecar reports on a task
    /// that does not exist, and is told the same then (<see cref="ForgetUnacceptedAsync"/>).
    /// </summary>
    private async Task<TaskInfo> SubmitAndScheduleAsync(TaskSpec spec, string content, DateTimeOffset now)
    {
        var startsAt = spec.RunAt > now ? spec.RunAt : null;
        var assignment = new TaskAssignment(Id, 1, spec, startsAt);
        var placement = await Cluster.Schedule(Id, assignment);
        Accept(spec, content, now);
        S.NextRunAt = startsAt;
        Record(TaskState.Pending, TaskState.Pending, startsAt is null ? "accepted" : $"accepted; starts at {startsAt:u}");
        try
        {
            await ScheduledOrWaitingAsync(assignment, placement);
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = new TaskGrainState();
            _unsaved.Clear();
            await ReleaseAsync(placement.Node);
            DeactivateOnIdle();
            throw;
        }
        await AppendUnsavedAsync();
        return Info();
    }

    /// <summary>
    /// Asks the cluster for a node; stays Pending (with a backstop job) when none can take it now. A start that is not
    /// due yet (staged) goes to the node with its time.
    /// </summary>
    private async Task TryScheduleAsync()
    {
        var startsAt = S.NextRunAt > clock.GetUtcNow() ? S.NextRunAt : null;
        var assignment = new TaskAssignment(Id, S.Attempt + 1, S.Spec, startsAt);
        var placement = await Cluster.Schedule(Id, assignment);
        if (!S.State.IsTerminal() && S.State == TaskState.Pending)
        {
            await ScheduledOrWaitingAsync(assignment, placement);
            await SaveAsync();
        }
    }

    private async Task ScheduledOrWaitingAsync(TaskAssignment assignment, TaskPlacement placement)
    {
        if (placement.Node is not { } node)
        {
            await AddJobAsync(StartJob, clock.GetUtcNow() + NoNodeRetry);
            S.Reason = $"waiting for {placement.WaitingFor}";
            return;
        }
        S.Attempt = assignment.Attempt;
        S.Node = node;
        S.ScheduledAt = clock.GetUtcNow();
        Transition(TaskState.Scheduled, assignment.NotBefore is { } startsAt ? $"assigned to {node}; starts at {startsAt:u}" : $"assigned to {node}");
    }

    private void Accept(TaskSpec spec, string content, DateTimeOffset now)
    {
        S.Submitted = true;
        S.Spec = spec;
        S.Content = content;
        S.CreatedAt = now;
        S.State = TaskState.Pending;
    }

    private void Start(string node, int attempt, DateTimeOffset at)
    {
        S.Attempt = attempt;
        S.Node = node;
        S.StartedAt = at;
        S.NextRunAt = null;
        Transition(TaskState.Running, $"running on {node} (attempt {attempt})");
    }

    /// <summary>
    /// A sidecar reports on a task that was never accepted: its submission failed after the node had been assigned.
    /// The node forgets it, so it is not run again.
    /// </summary>
    private async Task ForgetUnacceptedAsync(string node)
    {
        LogUnaccepted(logger, Id, node);
        await ReleaseAsync(node);
        DeactivateOnIdle();
        throw new TaskNotFoundException($"Task '{Id}' does not exist (its submission failed).");
    }

    private async Task FailAttemptAsync(bool timedOut, string error)
    {
        S.FailedAttempts++;
        if (S.FailedAttempts < S.Spec.MaxAttempts)
        {
            var backoff = TimeSpan.FromTicks(Math.Min(MaxRetryBackoff.Ticks, S.Spec.RetryBackoff.Ticks * (1L << Math.Min(S.FailedAttempts - 1, 20))));
            S.NextRunAt = clock.GetUtcNow() + backoff;
            await AddJobAsync(StartJob, StageTime(S.NextRunAt.Value));
            Transition(TaskState.Pending, $"attempt {S.FailedAttempts} of {S.Spec.MaxAttempts} {(timedOut ? "timed out" : "failed")}: {error}; retrying at {S.NextRunAt:u}");
            return;
        }
        S.FinishedAt = clock.GetUtcNow();
        S.Error = error;
        Transition(timedOut ? TaskState.TimedOut : TaskState.Failed,
            S.Spec.MaxAttempts > 1 ? $"gave up after {S.FailedAttempts} attempts: {error}" : error);
    }

    // Cron runs are submitted at their occurrence, not staged: cancelling the schedule must stop every run not yet submitted.
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
        await SaveAsync();
    }

    private async Task ScheduleNextCronRunAsync(DateTimeOffset after)
    {
        var next = TaskSpecValidator.ParseCron(S.Spec.Cron!).GetNextOccurrence(after.UtcDateTime);
        S.NextRunAt = new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc));
        await AddJobAsync(CronJob, S.NextRunAt.Value);
    }

    /// <summary>When work due at <paramref name="due"/> is staged: <see cref="StageAhead"/> before it, and never in the past.</summary>
    private DateTimeOffset StageTime(DateTimeOffset due)
    {
        var stage = due - StageAhead;
        var now = clock.GetUtcNow();
        return stage > now ? stage : now;
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

    /// <summary>Validates and records a transition; <see cref="SaveAsync"/> stores and logs it.</summary>
    private void Transition(TaskState to, string reason)
    {
        var from = S.State;
        TaskLifecycle.EnsureAllowed(Id, from, to);
        S.State = to;
        DomainTelemetry.TaskEntered(to);
        Record(from, to, reason);
    }

    private void Record(TaskState from, TaskState to, string reason)
    {
        var now = clock.GetUtcNow();
        S.Reason = reason;
        S.History.Add(new TaskTransition(from, to, reason, now, S.Attempt, S.Node));
        if (S.History.Count > MaxHistory)
        {
            S.History.RemoveAt(0);
        }
        _unsaved.Add(new TaskTransitionEvent(Summary(now), from, to, reason));
    }

    /// <summary>Stores the state, then appends the transitions it holds to the event log in one batch.</summary>
    private async Task SaveAsync()
    {
        await state.WriteStateAsync();
        await AppendUnsavedAsync();
    }

    private async Task AppendUnsavedAsync()
    {
        if (_unsaved.Count > 0)
        {
            TaskTransitionEvent[] events = [.. _unsaved];
            _unsaved.Clear();
            await log.AppendManyAsync(LifecycleEvents.TaskTransition, Id, events);
        }
        if (S.State.IsTerminal())
        {
            _ended.TrySetResult();
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: node {Node} reported on it, but it was never accepted; the node forgets it")]
    private static partial void LogUnaccepted(ILogger logger, string taskId, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: could not release it from node {Node}")]
    private static partial void LogReleaseFailed(ILogger logger, string taskId, string node, Exception exception);
}
