using Deror.Grains;

namespace Deror.Agent.Execution;

/// <summary>Outcomes the executors share.</summary>
public static class TaskOutcomes
{
    public static TaskOutcome Failed(string error, string logs = "") => new() { Succeeded = false, Error = error, Logs = logs };

    /// <summary>For a task whose kind needs a part of the spec that is missing.</summary>
    public static TaskOutcome MissingSpec(TaskKind kind) => Failed($"The task is a {kind} task but has no {kind} spec.");
}
