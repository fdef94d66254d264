using System.Text.Json;
using System.Text.Json.Serialization;
using Deror.Exo.Json;

namespace Deror.Exo.Models;

/// <summary>The layers of a model one runner holds: <c>{"PipelineShardMetadata": {...}}</c>; layers are [startLayer, endLayer).</summary>
[JsonConverter(typeof(TaggedUnionConverter<ShardMetadata>))]
public abstract record ShardMetadata : ITaggedUnion
{
    [JsonIgnore]
    public virtual string Tag => GetType().Name;

    public ModelCard? ModelCard { get; init; }

    public int DeviceRank { get; init; }

    public int WorldSize { get; init; }

    public int StartLayer { get; init; }

    public int EndLayer { get; init; }

    [JsonPropertyName("nLayers")]
    public int NLayers { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

public sealed record PipelineShardMetadata : ShardMetadata;

public sealed record TensorShardMetadata : ShardMetadata;

public sealed record CfgShardMetadata : ShardMetadata;

public sealed record UnknownShardMetadata(string Name, JsonElement Payload) : ShardMetadata, IUnknownCase
{
    public override string Tag => Name;
}
