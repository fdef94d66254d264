namespace Deror.Agent.Execution;

/// <summary>A handler given as a lambda: <c>silo.AddTaskHandler("name", async (ctx, ct) =&gt; resultJson)</c>.</summary>
internal sealed class DelegateTaskHandler(Func<TaskHandlerContext, CancellationToken, Task<string?>> handle) : ITaskHandler
{
    public Task<string?> HandleAsync(TaskHandlerContext context, CancellationToken cancellationToken) => handle(context, cancellationToken);
}
