using System.Text.Json;
using System.Text.Json.Serialization;
using Deror.Exo.Json;

namespace Deror.Exo.Models;

/// <summary>A placed model in <c>/state.instances</c>: <c>{"MlxRingInstance": {instanceId, shardAssignments, ...}}</c>.</summary>
[JsonConverter(typeof(TaggedUnionConverter<ExoInstance>))]
public abstract record ExoInstance : ITaggedUnion
{
    [JsonIgnore]
    public virtual string Tag => GetType().Name;

    public string InstanceId { get; init; } = "";

    public ShardAssignments ShardAssignments { get; init; } = new();

    /// <summary>Kind-specific fields (<c>hostsByNode</c>, <c>ephemeralPort</c>, <c>ibvDevices</c>, ...).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>Which runner on which node holds which layers of the instance's model.</summary>
public sealed record ShardAssignments
{
    public string ModelId { get; init; } = "";

    public IReadOnlyDictionary<string, ShardMetadata> RunnerToShard { get; init; } = new Dictionary<string, ShardMetadata>();

    public IReadOnlyDictionary<string, string> NodeToRunner { get; init; } = new Dictionary<string, string>();
}

public sealed record MlxRingInstance : ExoInstance;

public sealed record MlxJacclInstance : ExoInstance;

public sealed record LlamaCppInstance : ExoInstance;

/// <summary>An instance kind this client does not know. Every Exo instance kind shares <c>instanceId</c> and
/// <c>shardAssignments</c>, so they are read anyway: health checks still see which nodes it uses.</summary>
public sealed record UnknownInstance : ExoInstance, IUnknownCase
{
    public UnknownInstance(string name, JsonElement payload)
    {
        Name = name;
        Payload = payload;
        if (payload.ValueKind == JsonValueKind.Object)
        {
            if (payload.TryGetProperty("instanceId", out var id) && id.ValueKind == JsonValueKind.String)
            {
                InstanceId = id.GetString()!;
            }
            if (payload.TryGetProperty("shardAssignments", out var assignments) && assignments.ValueKind == JsonValueKind.Object)
            {
                ShardAssignments = assignments.Deserialize<ShardAssignments>(ExoJson.Options) ?? new();
            }
        }
    }

    public string Name { get; }

    public JsonElement Payload { get; }

    public override string Tag => Name;
}
