using System.Text.Json;
using System.Text.Json.Serialization;
using Deror.Exo.Json;

namespace Deror.Exo.Models;

/// <summary>A model runner's status in <c>/state.runners</c>, e.g. <c>{"RunnerReady": {}}</c>.</summary>
[JsonConverter(typeof(TaggedUnionConverter<RunnerStatus>))]
public abstract record RunnerStatus : ITaggedUnion
{
    [JsonIgnore]
    public virtual string Tag => GetType().Name;

    /// <summary>Fields this client does not model (kept so a state read and written back loses nothing).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

public sealed record RunnerIdle : RunnerStatus;

public sealed record RunnerConnecting : RunnerStatus;

public sealed record RunnerConnected : RunnerStatus;

public sealed record RunnerLoading(int LayersLoaded, int TotalLayers) : RunnerStatus;

public sealed record RunnerLoaded : RunnerStatus;

public sealed record RunnerWarmingUp : RunnerStatus;

public sealed record RunnerReady : RunnerStatus;

public sealed record RunnerRunning : RunnerStatus;

public sealed record RunnerShuttingDown : RunnerStatus;

public sealed record RunnerShutdown : RunnerStatus;

public sealed record RunnerFailed(string? ErrorMessage) : RunnerStatus;

/// <summary>A runner status this client does not know (a newer Exo).</summary>
public sealed record UnknownRunnerStatus(string Name, JsonElement Payload) : RunnerStatus, IUnknownCase
{
    public override string Tag => Name;
}
