using Deror.Grains;

namespace Deror.Agent.Execution;

/// <summary>The executors of this node, one per <see cref="TaskKind"/>.</summary>
public sealed class TaskExecutorSet
{
    private readonly Dictionary<TaskKind, ITaskExecutor> _executors = [];

    public TaskExecutorSet(IEnumerable<ITaskExecutor> executors)
    {
        ArgumentNullException.ThrowIfNull(executors);
        foreach (var executor in executors)
        {
            if (!_executors.TryAdd(executor.Kind, executor))
            {
                throw new InvalidOperationException($"Two executors are registered for {executor.Kind} tasks.");
            }
        }
    }

    /// <summary>The executor for <paramref name="kind"/>, or null when this node has none.</summary>
    public ITaskExecutor? Find(TaskKind kind) => _executors.GetValueOrDefault(kind);
}
