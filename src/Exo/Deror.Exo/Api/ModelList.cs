using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deror.Exo.Api;

/// <summary><c>GET /models</c> and <c>/v1/models</c>: <c>{"object": "list", "data": [...]}</c>.</summary>
public sealed record ModelList
{
    [JsonPropertyName("object")]
    public string Object { get; init; } = "list";

    [JsonPropertyName("data")]
    public IReadOnlyList<ModelListEntry> Data { get; init; } = [];
}

public sealed record ModelListEntry
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("object")]
    public string Object { get; init; } = "model";

    [JsonPropertyName("created")]
    public long Created { get; init; }

    [JsonPropertyName("owned_by")]
    public string OwnedBy { get; init; } = "exo";

    [JsonPropertyName("hugging_face_id")]
    public string HuggingFaceId { get; init; } = "";

    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("description")]
    public string Description { get; init; } = "";

    [JsonPropertyName("context_length")]
    public int ContextLength { get; init; }

    [JsonPropertyName("tags")]
    public IReadOnlyList<string> Tags { get; init; } = [];

    [JsonPropertyName("storage_size_megabytes")]
    public long StorageSizeMegabytes { get; init; }

    [JsonPropertyName("supports_tensor")]
    public bool SupportsTensor { get; init; }

    [JsonPropertyName("tasks")]
    public IReadOnlyList<string> Tasks { get; init; } = [];

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}
