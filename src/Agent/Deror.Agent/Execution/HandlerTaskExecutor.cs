using Deror.Grains;

namespace Deror.Agent.Execution;

/// <summary>Runs handler tasks by the name they were registered under on this silo.</summary>
internal sealed class HandlerTaskExecutor : ITaskExecutor
{
    private readonly Dictionary<string, Lazy<ITaskHandler>> _handlers = new(StringComparer.Ordinal);
    private readonly IServiceProvider _services;

    public HandlerTaskExecutor(IEnumerable<TaskHandlerRegistration> registrations, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        _services = services;
        foreach (var registration in registrations)
        {
            if (!_handlers.TryAdd(registration.Name, new Lazy<ITaskHandler>(() => registration.Create(services))))
            {
                throw new InvalidOperationException($"Two task handlers are registered under the name '{registration.Name}'.");
            }
        }
    }

    public TaskKind Kind => TaskKind.Handler;

    public IReadOnlyCollection<string> Names => _handlers.Keys;

    public async Task<TaskOutcome> ExecuteAsync(TaskExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        if (execution.Spec.Handler is not { } spec)
        {
            return TaskOutcomes.MissingSpec(TaskKind.Handler);
        }
        if (!_handlers.TryGetValue(spec.Name, out var handler))
        {
            return TaskOutcomes.Failed(_handlers.Count == 0
                ? $"No task handler named '{spec.Name}' is registered on node '{execution.Node}' (it has none)."
                : $"No task handler named '{spec.Name}' is registered on node '{execution.Node}' (it has: {string.Join(", ", _handlers.Keys.Order(StringComparer.Ordinal))}).");
        }
        var context = new TaskHandlerContext(execution.TaskId, execution.Attempt, spec.Arguments, execution.Node, _services);
        try
        {
            var result = await handler.Value.HandleAsync(context, cancellationToken).ConfigureAwait(false);
            return new TaskOutcome { Succeeded = true, Result = result, Logs = context.Logs };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return TaskOutcomes.Failed($"Handler '{spec.Name}' was stopped.", context.Logs);
        }
        catch (TaskHandlerFailedException e)
        {
            return TaskOutcomes.Failed($"Handler '{spec.Name}' failed: {e.Message}", context.Logs);
        }
        catch (Exception e)
        {
            return TaskOutcomes.Failed($"Handler '{spec.Name}' failed: {e.GetType().Name}: {e.Message}", context.Logs);
        }
    }

    /// <summary>A handler ran in the old silo's memory: it cannot be picked up.</summary>
    public bool CanResume => false;

    public Task<TaskOutcome> ResumeAsync(TaskExecution execution, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Handler tasks cannot be resumed after a silo restart.");
}
