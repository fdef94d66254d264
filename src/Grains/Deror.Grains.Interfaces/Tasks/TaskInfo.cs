namespace Deror.Grains;

/// <summary>One recorded state change of a task.</summary>
public sealed record TaskTransition(TaskState From, TaskState To, string Reason, DateTimeOffset At, int Attempt, string? Node);

/// <summary>How one attempt ended, as the executor reports it.</summary>
public sealed record TaskOutcome
{
    public bool Succeeded { get; init; }

    public int? ExitCode { get; init; }

    /// <summary>The result: a handler's or inference's JSON, or a short text.</summary>
    public string? Result { get; init; }

    public string? Error { get; init; }

    /// <summary>Captured output (stdout and stderr), already bounded by the executor (the newest part is kept).</summary>
    public string Logs { get; init; } = "";

    /// <summary>The executor dropped older output to stay within its bound (<c>Tasks:MaxLogBytes</c>).</summary>
    public bool LogsTruncated { get; init; }

    /// <summary>The attempt ran into its timeout.</summary>
    public bool TimedOut { get; init; }

    /// <summary>When the executor started the attempt; recorded as its start if no separate start report came first.</summary>
    public DateTimeOffset? StartedAt { get; init; }
}

/// <summary>Everything known about one task.</summary>
public sealed record TaskInfo
{
    public string Id { get; init; } = "";

    public TaskSpec Spec { get; init; } = new();

    public TaskState State { get; init; }

    public string Reason { get; init; } = "";

    /// <summary>The current (or last) attempt, from 1; 0 before the first start.</summary>
    public int Attempt { get; init; }

    public string? Node { get; init; }

    public int? ExitCode { get; init; }

    public string? Result { get; init; }

    public string? Error { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ScheduledAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>
    /// When the task is next due to start (deferred start, retry backoff, next cron occurrence). A deferred start is
    /// assigned to its node shortly before (Scheduled, still holding this time) and starts at it.
    /// </summary>
    public DateTimeOffset? NextRunAt { get; init; }

    /// <summary>For a cron schedule: ids of the runs it submitted, newest last (bounded).</summary>
    public IReadOnlyList<string> Runs { get; init; } = [];

    public IReadOnlyList<TaskTransition> History { get; init; } = [];
}

/// <summary>A task's captured output.</summary>
public sealed record TaskLogs(string TaskId, int Attempt, string Text, bool Truncated);
