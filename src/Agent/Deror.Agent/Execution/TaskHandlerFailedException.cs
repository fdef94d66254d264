namespace Deror.Agent.Execution;

/// <summary>
/// Thrown by a handler whose failure message says it all (e.g. a Python handler's <c>ValueError: ...</c>): the attempt
/// fails with the message as it is, without the .NET exception type in front.
/// </summary>
public sealed class TaskHandlerFailedException(string message) : Exception(message);
