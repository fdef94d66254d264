namespace Deror.Grains;

/// <summary>What kind of work a task is; exactly the matching part of <see cref="TaskSpec"/> is set.</summary>
public enum TaskKind
{
    /// <summary>A container run through the node's Docker engine.</summary>
    Container,
    /// <summary>A process started on the node.</summary>
    Process,
    /// <summary>A chat completion against the Exo cluster.</summary>
    Inference,
    /// <summary>A code-defined handler registered by name on the silos.</summary>
    Handler,
}

public sealed record ContainerSpec
{
    public string Image { get; init; } = "";

    /// <summary>The command and its arguments; empty runs the image's default command.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public string? WorkingDirectory { get; init; }
}

public sealed record ProcessSpec
{
    public string Command { get; init; } = "";

    public IReadOnlyList<string> Arguments { get; init; } = [];

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public string? WorkingDirectory { get; init; }
}

public sealed record ChatMessage(string Role, string Content);

public sealed record InferenceSpec
{
    public string Model { get; init; } = "";

    public IReadOnlyList<ChatMessage> Messages { get; init; } = [];

    public int? MaxTokens { get; init; }
}

public sealed record HandlerSpec
{
    /// <summary>The name the handler was registered under on the silos.</summary>
    public string Name { get; init; } = "";

    /// <summary>The handler's arguments as JSON text; null for none.</summary>
    public string? Arguments { get; init; }
}

/// <summary>What a task needs from the node that runs it; only Healthy nodes with this much room are chosen.</summary>
public sealed record ResourceRequest
{
    public double CpuCores { get; init; }

    public long MemoryBytes { get; init; }

    /// <summary>An Exo backend the node must have (e.g. <c>MlxCuda</c> for a GPU); null for any.</summary>
    public string? Backend { get; init; }
}

/// <summary>
/// A task as submitted. Set <see cref="Kind"/> and the matching part. Optional: when to start (<see cref="RunAt"/>)
/// or a cron schedule, attempts and backoff, a timeout, resources, and de-duplication
/// (<see cref="IdempotencyKey"/> or <see cref="Deduplicate"/>).
/// </summary>
public sealed record TaskSpec
{
    public string Name { get; init; } = "";

    public TaskKind Kind { get; init; }

    public ContainerSpec? Container { get; init; }

    public ProcessSpec? Process { get; init; }

    public InferenceSpec? Inference { get; init; }

    public HandlerSpec? Handler { get; init; }

    public ResourceRequest Resources { get; init; } = new();

    /// <summary>Do not start before this time (deferred start).</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>
    /// A cron expression (UTC; five fields, or six with seconds first): the task becomes a schedule that submits one run
    /// per occurrence (run ids: the schedule's id, a dash and the occurrence as yyyyMMddHHmmss).
    /// </summary>
    public string? Cron { get; init; }

    /// <summary>How many attempts in all (1 = no retries).</summary>
    public int MaxAttempts { get; init; } = 1;

    /// <summary>The wait before the first retry; it doubles for each further one (capped at 5 minutes).</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>An attempt running longer than this is stopped and counts as timed out; null for no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Submissions with the same key are one task (a different spec under a used key is rejected).</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Submissions with identical content (kind, work, resources, schedule) are one task.</summary>
    public bool Deduplicate { get; init; }

    /// <summary>Run only on this node, when set.</summary>
    public string? Node { get; init; }
}
