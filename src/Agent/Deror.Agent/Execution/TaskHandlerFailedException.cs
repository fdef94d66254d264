namespace Deror.Agent.Execution;

/// <summary>
/// Thrown by a handler that failed and has output to keep: the attempt fails with <see cref="Exception.Message"/> and
/// <see cref="Logs"/> become the task's logs (e.g. a Python handler's traceback).
/// </summary>
public sealed class TaskHandlerFailedException(string message, string logs) : Exception(message)
{
    public string Logs { get; } = logs;
}
