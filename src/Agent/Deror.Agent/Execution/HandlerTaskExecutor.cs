using Deror.Grains;

namespace Deror.Agent.Execution;

/// <summary>
/// Runs handler tasks by the name they were registered under on this silo. The node advertises <see cref="Names"/>,
/// so the scheduler places a handler task only where its handler is; a task that arrives for a missing one anyway
/// (the list changed on the way) fails with the names this node has. A handler's logs keep the last
/// <see cref="TaskExecutionOptions.MaxLogBytes"/> bytes, as a process's output does.
/// </summary>
internal sealed class HandlerTaskExecutor : ITaskExecutor
{
    private readonly Dictionary<string, Lazy<ITaskHandler>> _handlers = new(StringComparer.Ordinal);
    private readonly TaskExecutionOptions _options;
    private readonly IServiceProvider _services;

    public HandlerTaskExecutor(IEnumerable<TaskHandlerRegistration> registrations, TaskExecutionOptions options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        _options = options;
        _services = services;
        foreach (var registration in registrations)
        {
            if (!_handlers.TryAdd(registration.Name, new Lazy<ITaskHandler>(() => registration.Create(services))))
            {
                throw new InvalidOperationException($"Two task handlers are registered under the name '{registration.Name}'.");
            }
        }
        Names = [.. _handlers.Keys.Order(StringComparer.Ordinal)];
    }

    public TaskKind Kind => TaskKind.Handler;

    /// <summary>The registered handler names, sorted.</summary>
    public IReadOnlyList<string> Names { get; }

    public async Task<TaskOutcome> ExecuteAsync(TaskExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        if (execution.Spec.Handler is not { } spec)
        {
            return TaskOutcomes.MissingSpec(TaskKind.Handler);
        }
        if (!_handlers.TryGetValue(spec.Name, out var handler))
        {
            return TaskOutcomes.Failed(Names.Count == 0
                ? $"No task handler named '{spec.Name}' is registered on node '{execution.Node}' (it has none)."
                : $"No task handler named '{spec.Name}' is registered on node '{execution.Node}' (it has: {string.Join(", ", Names)}).");
        }
        var logs = new BoundedOutput(_options.MaxLogBytes) { Live = execution.Output };
        var context = new TaskHandlerContext(execution.TaskId, execution.Attempt, spec.Arguments, execution.Node, _services, logs);
        try
        {
            var result = await handler.Value.HandleAsync(context, cancellationToken).ConfigureAwait(false);
            return TaskOutcomes.WithLogs(new TaskOutcome { Succeeded = true, Result = result }, logs);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return TaskOutcomes.WithLogs(TaskOutcomes.Failed($"Handler '{spec.Name}' was stopped."), logs);
        }
        catch (TaskHandlerFailedException e)
        {
            return TaskOutcomes.WithLogs(TaskOutcomes.Failed($"Handler '{spec.Name}' failed: {e.Message}"), logs);
        }
        catch (Exception e)
        {
            return TaskOutcomes.WithLogs(TaskOutcomes.Failed($"Handler '{spec.Name}' failed: {e.GetType().Name}: {e.Message}"), logs);
        }
    }

    /// <summary>A handler ran in the old silo's memory: it cannot be picked up.</summary>
    public bool CanResume => false;

    public Task<TaskOutcome> ResumeAsync(TaskExecution execution, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Handler tasks cannot be resumed after a silo restart.");
}
