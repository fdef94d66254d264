using System.Text.Json.Serialization;
using Deror.Exo.Models;

namespace Deror.Exo.Api;

/// <summary><c>POST /place_instance</c> and the query of <c>GET /instance/placement</c>.</summary>
public sealed record PlaceInstanceRequest
{
    [JsonPropertyName("model_id")]
    public required string ModelId { get; init; }

    /// <summary><c>Pipeline</c> or <c>Tensor</c>.</summary>
    [JsonPropertyName("sharding")]
    public string Sharding { get; init; } = "Pipeline";

    /// <summary><c>MlxRing</c>, <c>MlxJaccl</c> or <c>LlamaCpp</c>.</summary>
    [JsonPropertyName("instance_meta")]
    public string InstanceMeta { get; init; } = "MlxRing";

    [JsonPropertyName("min_nodes")]
    public int MinNodes { get; init; } = 1;
}

/// <summary><c>POST /instance</c>: an instance to create as given.</summary>
public sealed record CreateInstanceRequest([property: JsonPropertyName("instance")] ExoInstance Instance);
