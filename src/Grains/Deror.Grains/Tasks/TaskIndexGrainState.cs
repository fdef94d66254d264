namespace Deror.Grains;

/// <summary>A snapshot of the task index and the event log position it reflects.</summary>
public sealed class TaskIndexGrainState
{
    public long Position { get; set; }

    public Dictionary<string, TaskSummary> Tasks { get; set; } = [];
}
