using Deror.Grains;

namespace Deror.Agent.Execution;

/// <summary>Outcomes the executors share.</summary>
public static class TaskOutcomes
{
    public static TaskOutcome Failed(string error) => new() { Succeeded = false, Error = error };

    /// <summary>For a task whose kind needs a part of the spec that is missing.</summary>
    public static TaskOutcome MissingSpec(TaskKind kind) => Failed($"The task is a {kind} task but has no {kind} spec.");

    /// <summary><paramref name="outcome"/> with the output <paramref name="output"/> kept, and whether older output was dropped.</summary>
    public static TaskOutcome WithLogs(TaskOutcome outcome, BoundedOutput output)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(output);
        return outcome with { Logs = output.GetText(), LogsTruncated = output.Truncated };
    }
}
