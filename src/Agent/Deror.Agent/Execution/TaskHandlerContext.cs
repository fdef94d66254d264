using System.Text;
using System.Text.Json;

namespace Deror.Agent.Execution;

/// <summary>What a handler gets: which task and attempt, its JSON arguments, the node and the silo's services.</summary>
public sealed record TaskHandlerContext(string TaskId, int Attempt, string? Arguments, string Node, IServiceProvider Services)
{
    private readonly StringBuilder _logs = new();

    /// <summary>What the handler appended to the attempt's logs.</summary>
    public string Logs
    {
        get
        {
            lock (_logs)
            {
                return _logs.ToString();
            }
        }
    }

    /// <summary>Appends <paramref name="text"/> to the attempt's logs, kept with its outcome whether it succeeds or fails.</summary>
    public void AppendLog(string text)
    {
        lock (_logs)
        {
            _logs.Append(text);
        }
    }

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
