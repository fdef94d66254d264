using Deror.Agent.Execution;
using Deror.Grains;
using Microsoft.Extensions.Logging;

namespace Deror.Agent.Directives;

/// <summary>
/// Keeps the attempts running on this node equal to the directive's task set: starts the missing ones (reporting
/// start and finish to their task grains), stops the ones no longer assigned here (cancelled or moved). After a silo
/// restart, attempts the grains still think run here are resumed (containers) or failed with the reason.
/// </summary>
/// <remarks>
/// A staged assignment (<see cref="TaskAssignment.NotBefore"/>) is held until its time and then started; while the node
/// takes no new work (drain, maintenance) held ones are let go, so the node hands them back to be placed elsewhere.
/// An attempt that ends within <see cref="TaskExecutionOptions.StartReportDelay"/> reports start and end in one call;
/// a longer one reports its start then, and from then on sends its output live (<see cref="LiveOutputReporter"/>).
/// </remarks>
internal sealed partial class TaskReconciler : IAsyncDisposable
{
    private readonly IGrainFactory _grains;
    private readonly TaskExecutorSet _executors;
    private readonly GrainRetry _retry;
    private readonly string _node;
    private readonly TaskExecutionOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Execution> _running = new(StringComparer.Ordinal);
    // Attempts this node finished: a directive read before the grain saw the finish must not start them again.
    private readonly HashSet<(string TaskId, int Attempt)> _finished = [];
    private readonly CancellationTokenSource _shutdown = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _firstDirective = true;

    public TaskReconciler(IGrainFactory grains, TaskExecutorSet executors, GrainRetry retry, string node, TaskExecutionOptions options, ILogger logger)
    {
        _grains = grains;
        _executors = executors;
        _retry = retry;
        _node = node;
        _options = options;
        _logger = logger;
    }

    /// <summary>Ids of the tasks executing now.</summary>
    public IReadOnlyList<string> RunningTasks
    {
        get
        {
            lock (_lock)
            {
                return [.. _running.Keys];
            }
        }
    }

    /// <summary>
    /// Brings the running set to the directive's tasks. With <paramref name="acceptNew"/> off (drain, maintenance)
    /// nothing new starts, except that attempts orphaned by a silo restart are still resumed or failed.
    /// </summary>
    public void Reconcile(IReadOnlyList<TaskAssignment> desired, bool acceptNew)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var byId = new Dictionary<string, TaskAssignment>(StringComparer.Ordinal);
        foreach (var assignment in desired)
        {
            byId[assignment.TaskId] = assignment;
        }
        var unwanted = new List<Execution>();
        lock (_lock)
        {
            foreach (var execution in _running.Values)
            {
                if (!byId.TryGetValue(execution.TaskId, out var wanted) || wanted.Attempt != execution.Attempt || !acceptNew && !execution.Started)
                {
                    unwanted.Add(execution);
                }
            }
            _finished.RemoveWhere(f => !byId.TryGetValue(f.TaskId, out var wanted) || wanted.Attempt != f.Attempt);

            var recovering = _firstDirective;
            _firstDirective = false;
            foreach (var assignment in byId.Values)
            {
                if ((!acceptNew && !recovering) || _running.ContainsKey(assignment.TaskId) || _finished.Contains((assignment.TaskId, assignment.Attempt)))
                {
                    continue;
                }
                var execution = new Execution(assignment, CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token));
                _running.Add(assignment.TaskId, execution);
                execution.Run = Task.Run(() => RunAsync(execution, recovering, startNew: acceptNew));
            }
        }
        // Outside the lock: cancellation runs the executors' stop code inline.
        foreach (var execution in unwanted)
        {
            execution.Cancel();
        }
    }

    /// <summary>Completes once no attempt is executing on this node.</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_running.Count == 0)
                {
                    return;
                }
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Silo shutdown: attempts that outlive the silo (containers) are left running for the next silo to resume;
    /// the others are stopped and reported failed, so their grains can retry them elsewhere.
    /// </summary>
    public async Task StopAsync()
    {
        Execution[] executions;
        lock (_lock)
        {
            executions = [.. _running.Values];
        }
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(executions.Select(e => e.Run)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _shutdown.Dispose();
    }

    private async Task RunAsync(Execution execution, bool recovering, bool startNew)
    {
        var assignment = execution.Assignment;
        var task = _grains.GetGrain<ITaskGrain>(assignment.TaskId);
        var work = new TaskExecution(assignment.TaskId, assignment.Attempt, assignment.Spec, _node);
        var executor = _executors.Find(assignment.Spec.Kind);
        var reportOn = _shutdown.Token;
        try
        {
            TaskOutcome outcome;
            if (recovering && await IsOrphanAsync(task, assignment, reportOn).ConfigureAwait(false))
            {
                _ = execution.TryStart(); // it started under the previous silo
                if (executor is { CanResume: true })
                {
                    LogResuming(_logger, assignment.TaskId, assignment.Attempt);
                    outcome = await executor.ResumeAsync(work, execution.Stop.Token).ConfigureAwait(false);
                }
                else
                {
                    outcome = TaskOutcomes.Failed($"The silo on node {_node} restarted while this {assignment.Spec.Kind} task ran; {assignment.Spec.Kind} tasks cannot be re-adopted.");
                }
            }
            else if (startNew)
            {
                // Timers can wake a little early by the wall clock: what is left is waited out too.
                while (!execution.Stop.IsCancellationRequested && assignment.NotBefore - TimeProvider.System.GetUtcNow() is { Ticks: > 0 } wait)
                {
                    await Task.Delay(wait, TimeProvider.System, execution.Stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
                if (!execution.TryStart())
                {
                    LogReleasedBeforeStart(_logger, assignment.TaskId, assignment.Attempt);
                    return; // unassigned, drained or shut down before its time: the grain places it again
                }
                outcome = await StartAndExecuteAsync(task, executor, work, execution).ConfigureAwait(false);
            }
            else
            {
                return;
            }

            if (execution.Stop.IsCancellationRequested && !execution.TimedOut)
            {
                if (_shutdown.IsCancellationRequested && executor is { CanResume: true })
                {
                    return; // left running for the next silo
                }
                if (!_shutdown.IsCancellationRequested)
                {
                    LogCancelled(_logger, assignment.TaskId, assignment.Attempt);
                    return; // the grain cancelled or moved it: it no longer wants a report of this attempt
                }
                outcome = outcome with { Succeeded = false, Error = $"The silo on node {_node} shut down while the task ran." };
                // Shutdown: one quick report, so the grain can retry the task elsewhere without waiting for a timeout.
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await task.ReportFinished(_node, assignment.Attempt, outcome).WaitAsync(quick.Token).ConfigureAwait(false);
                return;
            }
            // Behind the starts already queued: a burst of staged tasks due at one instant all start before any reports.
            await Task.Yield();
            await _retry.CallAsync($"Reporting task {assignment.TaskId} finished", () => task.ReportFinished(_node, assignment.Attempt, outcome), reportOn).ConfigureAwait(false);
            if (outcome.Succeeded)
            {
                LogCompleted(_logger, assignment.TaskId, assignment.Attempt);
            }
            else
            {
                LogFailed(_logger, assignment.TaskId, assignment.Attempt, outcome.Error ?? $"exit code {outcome.ExitCode}");
            }
            lock (_lock)
            {
                _finished.Add((assignment.TaskId, assignment.Attempt));
            }
        }
        catch (Exception e) when (GrainRetry.IsRejection(e))
        {
            LogRejected(_logger, assignment.TaskId, assignment.Attempt, e.Message);
            lock (_lock)
            {
                _finished.Add((assignment.TaskId, assignment.Attempt));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException && _shutdown.IsCancellationRequested)
        {
            // Shutting down; the grain learns of the node's absence from the missing heartbeats.
        }
        catch (Exception e)
        {
            LogExecutionFailed(_logger, e, assignment.TaskId, assignment.Attempt);
        }
        finally
        {
            lock (_lock)
            {
                _running.Remove(assignment.TaskId);
                _changed.TrySetResult();
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            execution.Dispose();
        }
    }

    /// <summary>Runs a new attempt; reports its start only if it is still running after the start-report delay.</summary>
    private async Task<TaskOutcome> StartAndExecuteAsync(ITaskGrain task, ITaskExecutor? executor, TaskExecution work, Execution execution)
    {
        var startedAt = TimeProvider.System.GetUtcNow();
        var live = new LiveOutputReporter(text => task.ReportOutput(work.Attempt, text), _options.LiveOutputInterval, _options.MaxLogBytes, _logger);
        await using (live.ConfigureAwait(false))
        {
            var run = ExecuteAsync(executor, work with { Output = live }, execution);
            if (await Task.WhenAny(run, Task.Delay(_options.StartReportDelay, TimeProvider.System)).ConfigureAwait(false) != run)
            {
                try
                {
                    await _retry.CallAsync($"Reporting task {work.TaskId} started", () => task.ReportStarted(_node, work.Attempt), _shutdown.Token).ConfigureAwait(false);
                }
                catch
                {
                    // The grain rejected the attempt (or the silo is stopping): it must not run on unreported.
                    execution.Cancel();
                    await ((Task)run).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    throw;
                }
                LogStarted(_logger, work.TaskId, work.Attempt, work.Spec.Kind);
                live.Start();
            }
            var outcome = await run.ConfigureAwait(false);
            return outcome with { StartedAt = startedAt };
        }
    }

    private async Task<TaskOutcome> ExecuteAsync(ITaskExecutor? executor, TaskExecution work, Execution execution)
    {
        if (executor is null)
        {
            return TaskOutcomes.Failed($"Node {_node} cannot run {work.Spec.Kind} tasks (no executor for them is configured).");
        }
        if (work.Spec.Timeout is { } timeout)
        {
            execution.StopAfter(timeout);
        }
        TaskOutcome outcome;
        try
        {
            outcome = await executor.ExecuteAsync(work, execution.Stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (execution.Stop.IsCancellationRequested)
        {
            outcome = TaskOutcomes.Failed("Stopped.");
        }
        catch (Exception e)
        {
            outcome = TaskOutcomes.Failed($"The {work.Spec.Kind} executor failed: {e.GetType().Name}: {e.Message}");
        }
        return execution.TimedOut
            ? outcome with { Succeeded = false, TimedOut = true, Error = $"Timed out after {work.Spec.Timeout!.Value.TotalSeconds:0.###} s." }
            : outcome;
    }

    /// <summary>An attempt the grain records as running on this node although this silo never started it: the previous silo did.</summary>
    private async Task<bool> IsOrphanAsync(ITaskGrain task, TaskAssignment assignment, CancellationToken cancellationToken)
    {
        var info = await _retry.CallAsync($"Reading task {assignment.TaskId}", task.GetInfo, cancellationToken).ConfigureAwait(false);
        return info.State == TaskState.Running && info.Node == _node && info.Attempt == assignment.Attempt;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} attempt {Attempt} ({Kind}) started")]
    private static partial void LogStarted(ILogger logger, string taskId, int attempt, TaskKind kind);

    // Debug: at a thousand tasks a second a line per success would cost the silo more than the task; the task grain
    // and the event log record every end anyway.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Task {TaskId} attempt {Attempt} completed")]
    private static partial void LogCompleted(ILogger logger, string taskId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} attempt {Attempt} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string taskId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} attempt {Attempt} stopped: no longer assigned to this node")]
    private static partial void LogCancelled(ILogger logger, string taskId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} attempt {Attempt} let go before its start time")]
    private static partial void LogReleasedBeforeStart(ILogger logger, string taskId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming task {TaskId} attempt {Attempt} after a silo restart")]
    private static partial void LogResuming(ILogger logger, string taskId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} attempt {Attempt}: the task grain rejected the report: {Reason}")]
    private static partial void LogRejected(ILogger logger, string taskId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Task {TaskId} attempt {Attempt}: execution failed unexpectedly")]
    private static partial void LogExecutionFailed(ILogger logger, Exception exception, string taskId, int attempt);

    /// <summary>One attempt executing here, with what stops it.</summary>
    private sealed class Execution(TaskAssignment assignment, CancellationTokenSource stop) : IDisposable
    {
        private readonly Lock _lock = new();
        private bool _disposed;
        private bool _timedOut;
        private bool _started;
        private ITimer? _timeout;

        public TaskAssignment Assignment { get; } = assignment;

        public string TaskId => Assignment.TaskId;

        public int Attempt => Assignment.Attempt;

        public CancellationTokenSource Stop { get; } = stop;

        public Task Run { get; set; } = Task.CompletedTask;

        /// <summary>Whether the attempt has started: a staged one is held until its time first.</summary>
        public bool Started
        {
            get
            {
                lock (_lock)
                {
                    return _started;
                }
            }
        }

        public bool TimedOut
        {
            get
            {
                lock (_lock)
                {
                    return _timedOut;
                }
            }
        }

        public void Cancel()
        {
            lock (_lock)
            {
                // Under the lock so Dispose cannot slip in between; the token's callbacks never take this lock.
                if (!_disposed)
                {
                    Stop.Cancel();
                }
            }
        }

        /// <summary>Marks the attempt started, unless it was stopped first.</summary>
        public bool TryStart()
        {
            lock (_lock)
            {
                _started = !_disposed && !Stop.IsCancellationRequested;
                return _started;
            }
        }

        public void StopAfter(TimeSpan timeout) => _timeout = TimeProvider.System.CreateTimer(_ =>
        {
            lock (_lock)
            {
                if (!_disposed)
                {
                    _timedOut = true;
                    Stop.Cancel();
                }
            }
        }, null, timeout, Timeout.InfiniteTimeSpan);

        public void Dispose()
        {
            lock (_lock)
            {
                _disposed = true;
            }
            _timeout?.Dispose();
            Stop.Dispose();
        }
    }
}
