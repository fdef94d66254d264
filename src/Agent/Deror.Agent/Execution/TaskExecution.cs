using Deror.Grains;

namespace Deror.Agent.Execution;

/// <summary>One attempt of one task, as handed to an executor.</summary>
public sealed record TaskExecution(string TaskId, int Attempt, TaskSpec Spec, string Node)
{
    /// <summary>Where to send output while the attempt runs; null when nobody follows it.</summary>
    public ILiveOutput? Output { get; init; }
}
