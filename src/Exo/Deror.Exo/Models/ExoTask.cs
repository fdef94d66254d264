using System.Text.Json;
using System.Text.Json.Serialization;
using Deror.Exo.Json;

namespace Deror.Exo.Models;

/// <summary>A task in <c>/state.tasks</c>: <c>{"TextGeneration": {taskId, taskStatus, instanceId, ...}}</c>.</summary>
[JsonConverter(typeof(TaggedUnionConverter<ExoTask>))]
public abstract record ExoTask : ITaggedUnion
{
    [JsonIgnore]
    public virtual string Tag => GetType().Name;

    public string TaskId { get; init; } = "";

    /// <summary>One of <see cref="ExoTaskStatus"/>'s values; a string so a new status never breaks parsing.</summary>
    public string TaskStatus { get; init; } = ExoTaskStatus.Pending;

    public string InstanceId { get; init; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }

    /// <summary>Pending or Running: a drain waits for these to finish.</summary>
    [JsonIgnore]
    public bool IsActive => TaskStatus is ExoTaskStatus.Pending or ExoTaskStatus.Running;
}

/// <summary>The task statuses Exo writes.</summary>
public static class ExoTaskStatus
{
    public const string Pending = "Pending";
    public const string Running = "Running";
    public const string Complete = "Complete";
    public const string TimedOut = "TimedOut";
    public const string Failed = "Failed";
    public const string Cancelled = "Cancelled";
}

/// <summary>A chat completion (emitted by the master for each API request).</summary>
public sealed record TextGeneration : ExoTask
{
    public string CommandId { get; init; } = "";

    public JsonElement? TaskParams { get; init; }

    public string? ErrorType { get; init; }

    public string? ErrorMessage { get; init; }
}

public sealed record ImageGeneration : ExoTask
{
    public string CommandId { get; init; } = "";
}

public sealed record ImageEdits : ExoTask
{
    public string CommandId { get; init; } = "";
}

public sealed record CreateRunner : ExoTask;

public sealed record DownloadModel : ExoTask;

public sealed record LoadModel : ExoTask;

public sealed record ConnectToGroup : ExoTask;

public sealed record StartWarmup : ExoTask;

public sealed record CancelTask : ExoTask;

public sealed record Shutdown : ExoTask;

/// <summary>A task kind this client does not know; its common fields are read anyway.</summary>
public sealed record UnknownTask : ExoTask, IUnknownCase
{
    public UnknownTask(string name, JsonElement payload)
    {
        Name = name;
        Payload = payload;
        if (payload.ValueKind == JsonValueKind.Object)
        {
            TaskId = ReadString(payload, "taskId") ?? "";
            TaskStatus = ReadString(payload, "taskStatus") ?? ExoTaskStatus.Pending;
            InstanceId = ReadString(payload, "instanceId") ?? "";
        }
    }

    public string Name { get; }

    public JsonElement Payload { get; }

    public override string Tag => Name;

    private static string? ReadString(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
