namespace Deror.Grains;

/// <summary>
/// One task (key: its id; see <see cref="TaskIds"/>). Validates and records every transition, drives deferred
/// starts, retries, timeouts and cron runs with durable jobs, and asks the cluster for a node.
/// </summary>
public interface ITaskGrain : IGrainWithStringKey
{
    /// <summary>
    /// Accepts the task (stored before this returns). Submitting again with the same spec returns the existing
    /// task; a different spec under the same id is rejected.
    /// </summary>
    Task<TaskInfo> Submit(TaskSpec spec);

    /// <summary>The task; <see cref="TaskNotFoundException"/> if it was never submitted.</summary>
    [AlwaysInterleave]
    Task<TaskInfo> GetInfo();

    [AlwaysInterleave]
    Task<TaskLogs> GetLogs();

    /// <summary>
    /// The task once it has finished, or as it is after <paramref name="maxWait"/> (at most 20 s): a long poll, so a
    /// waiting client hears of the end at once without polling.
    /// </summary>
    [AlwaysInterleave]
    Task<TaskInfo> WaitForEnd(TimeSpan maxWait);

    /// <summary>Cancels a task that has not finished; <see cref="InvalidTaskStateException"/> naming the state if it has.</summary>
    Task<TaskInfo> Cancel(string reason);

    /// <summary>The executor on <paramref name="node"/> started <paramref name="attempt"/>.</summary>
    Task ReportStarted(string node, int attempt);

    /// <summary>Live output of a running attempt (appended to the bounded log).</summary>
    Task ReportOutput(int attempt, string text);

    /// <summary>
    /// The executor on <paramref name="node"/> finished <paramref name="attempt"/>. The first report of a completion
    /// wins; later ones (e.g. from a node thought lost) are ignored, so completion is recorded once. A short attempt
    /// may skip <see cref="ReportStarted"/>: its start (<see cref="TaskOutcome.StartedAt"/>) is recorded with its end.
    /// </summary>
    Task ReportFinished(string node, int attempt, TaskOutcome outcome);

    /// <summary>The node running or holding this task was lost: the task goes back to Pending and is rescheduled.</summary>
    /// <remarks>One-way: the cluster and node grains call it while busy themselves, and must not wait on a task.</remarks>
    [OneWay]
    Task NodeLost(string node, string reason);

    /// <summary>Try scheduling again (room freed up, or the node could not take it after all).</summary>
    [OneWay]
    Task Reschedule(string reason);
}
