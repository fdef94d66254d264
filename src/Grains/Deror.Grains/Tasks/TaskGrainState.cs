namespace Deror.Grains;

/// <summary>The persisted state of a <see cref="TaskGrain"/>.</summary>
public sealed class TaskGrainState
{
    public bool Submitted { get; set; }

    public TaskSpec Spec { get; set; } = new();

    /// <summary><see cref="TaskIds.ContentOf"/> of the submitted spec, to tell a repeat submission from a conflicting one.</summary>
    public string Content { get; set; } = "";

    public TaskState State { get; set; }

    public string Reason { get; set; } = "";

    /// <summary>The execution number: grows with every placement, fences reports from older executions.</summary>
    public int Attempt { get; set; }

    /// <summary>Attempts that failed or timed out: what <see cref="TaskSpec.MaxAttempts"/> limits.</summary>
    public int FailedAttempts { get; set; }

    /// <summary>The newest attempt whose end has been recorded, so a repeated report cannot count twice.</summary>
    public int LastFinishedAttempt { get; set; }

    public string? Node { get; set; }

    public int? ExitCode { get; set; }

    public string? Result { get; set; }

    public string? Error { get; set; }

    public string Logs { get; set; } = "";

    public bool LogsTruncated { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ScheduledAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public DateTimeOffset? NextRunAt { get; set; }

    /// <summary>The durable job that next wakes this task (start, retry, cron, timeout); cancelled when it is no longer needed.</summary>
    public List<string> JobIds { get; set; } = [];

    public List<string> Runs { get; set; } = [];

    public List<TaskTransition> History { get; set; } = [];
}
