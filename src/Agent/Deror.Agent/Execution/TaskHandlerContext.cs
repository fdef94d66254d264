using System.Text;
using System.Text.Json;

namespace Deror.Agent.Execution;

/// <summary>
/// What a handler gets: which task and attempt, its JSON arguments, the node and the silo's services, and the
/// attempt's logs (bounded: the newest part is kept).
/// </summary>
public sealed class TaskHandlerContext(string taskId, int attempt, string? arguments, string node, IServiceProvider services, BoundedOutput logs)
{
    public string TaskId { get; } = taskId;

    public int Attempt { get; } = attempt;

    /// <summary>The task's arguments as JSON text; null for none.</summary>
    public string? Arguments { get; } = arguments;

    public string Node { get; } = node;

    public IServiceProvider Services { get; } = services;

    /// <summary>Appends <paramref name="text"/> to the attempt's logs, kept with its outcome whether it succeeds or fails.</summary>
    public void AppendLog(string text) => logs.Append(Encoding.UTF8.GetBytes(text));

    /// <summary>The arguments read as <typeparamref name="T"/> (web defaults: camelCase, case-insensitive).</summary>
    public T GetArguments<T>()
    {
        if (Arguments is null)
        {
            throw new InvalidOperationException($"Task {TaskId} has no arguments.");
        }
        return JsonSerializer.Deserialize<T>(Arguments, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"Task {TaskId}'s arguments are null.");
    }
}
