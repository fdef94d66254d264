using Deror.Agent.Execution;
using Microsoft.Extensions.Logging;

namespace Deror.PyHost.Handlers;

/// <summary>One <c>@deror.task</c> function as the agent's handler: JSON arguments in, its JSON result out.</summary>
internal sealed partial class PythonTaskHandler(PythonTaskHost host, string name, ILogger<PythonTaskHandler> logger) : ITaskHandler
{
    public async Task<string?> HandleAsync(TaskHandlerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await host.RunAsync(name, context.Arguments, context.AppendLog, cancellationToken).ConfigureAwait(false);
        }
        catch (TaskHandlerFailedException e)
        {
            LogFailed(name, context.TaskId, context.Attempt, e.Message);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Python handler {Name} failed for task {TaskId} (attempt {Attempt}): {Error}")]
    private partial void LogFailed(string name, string taskId, int attempt, string error);
}
