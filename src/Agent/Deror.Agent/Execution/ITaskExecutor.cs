using Deror.Grains;

namespace Deror.Agent.Execution;

/// <summary>Runs one kind of task on this node. The reconciler picks the executor by <see cref="Kind"/>.</summary>
public interface ITaskExecutor
{
    TaskKind Kind { get; }

    /// <summary>
    /// Runs the attempt to its end and describes how it ended. When <paramref name="cancellationToken"/> fires (the
    /// task was cancelled, moved or timed out) the executor stops the work and returns what it has.
    /// </summary>
    Task<TaskOutcome> ExecuteAsync(TaskExecution execution, CancellationToken cancellationToken);

    /// <summary>
    /// Whether an attempt of this kind outlives the silo that started it (a container does; a process, handler or
    /// inference does not), so that a restarted silo can pick it up with <see cref="ResumeAsync"/>.
    /// </summary>
    bool CanResume { get; }

    /// <summary>After a silo restart, picks up an attempt an earlier run of this silo started and waits for its end.</summary>
    Task<TaskOutcome> ResumeAsync(TaskExecution execution, CancellationToken cancellationToken);
}
