namespace Deror.Agent.Execution;

/// <summary>
/// Code that runs handler tasks registered under a name (<c>silo.AddTaskHandler&lt;T&gt;("name")</c>). Returns the
/// result as JSON text (or null); an exception fails the attempt with its message.
/// </summary>
public interface ITaskHandler
{
    Task<string?> HandleAsync(TaskHandlerContext context, CancellationToken cancellationToken);
}
