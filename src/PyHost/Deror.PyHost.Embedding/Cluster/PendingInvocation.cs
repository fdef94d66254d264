using System.Text.Json;

namespace Deror.PyHost.Cluster;

/// <summary>
/// A started method call: the task it returned and how to turn its result into JSON once it has completed. A
/// blocking caller waits on <see cref="Task"/> itself, so the thread that completes the call wakes the caller
/// directly, with no continuation in between.
/// </summary>
internal readonly struct PendingInvocation(Task task, MethodBinding binding, object? immediate)
{
    public Task Task { get; } = task;

    /// <summary>The result (<c>null</c> for none); call once <see cref="Task"/> has completed successfully.</summary>
    public object? Result() => binding.ReadResult is { } read ? read(Task) : immediate;

    /// <summary>The result as JSON (<c>null</c> for none); call once <see cref="Task"/> has completed successfully.</summary>
    public string ResultJson()
    {
        var value = Result();
        return value is null ? "null" : JsonSerializer.Serialize(value, binding.ResultType == typeof(object) || binding.ResultType is null ? value.GetType() : binding.ResultType, PythonJson.Options);
    }

    public async Task<string> ResultJsonAsync()
    {
        await Task.ConfigureAwait(false);
        return ResultJson();
    }
}
