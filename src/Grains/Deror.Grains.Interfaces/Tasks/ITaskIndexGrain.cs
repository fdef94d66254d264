namespace Deror.Grains;

/// <summary>One line of a task listing.</summary>
public sealed record TaskSummary
{
    public string Id { get; init; } = "";

    public string Name { get; init; } = "";

    public TaskKind Kind { get; init; }

    public TaskState State { get; init; }

    public string? Node { get; init; }

    public int Attempt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A page of tasks, newest first, and how many match in all.</summary>
public sealed record TaskPage(IReadOnlyList<TaskSummary> Items, int Total);

/// <summary>
/// The cluster's task listing (key: cluster id): a projection of the event log, so it is rebuilt from the log
/// after any failure and never needs writes of its own on the task path.
/// </summary>
public interface ITaskIndexGrain : IGrainWithStringKey
{
    /// <summary>Tasks (newest first), optionally only those in <paramref name="state"/>.</summary>
    Task<TaskPage> List(TaskState? state, int offset, int limit);
}
