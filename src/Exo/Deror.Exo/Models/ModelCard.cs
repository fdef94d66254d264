using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deror.Exo.Models;

/// <summary>What Exo knows about a model: its size and layer count decide placement.</summary>
public sealed record ModelCard
{
    public required string ModelId { get; init; }

    public MemorySize StorageSize { get; init; }

    [JsonPropertyName("nLayers")]
    public int NLayers { get; init; }

    public int HiddenSize { get; init; }

    public bool SupportsTensor { get; init; }

    public IReadOnlyList<string> Tasks { get; init; } = [];

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}
