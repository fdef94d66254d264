using Deror.Exo.Api;
using Deror.Exo.Models;

namespace Deror.Exo.Simulator;

/// <summary>
/// The simulator's fixed model catalog: real model ids with their layer counts and approximate sizes (exo reads
/// these from its model cards and Hugging Face). The 70B model does not fit one default node, so placing it needs several.
/// </summary>
public static class ModelCatalog
{
    public static IReadOnlyList<ModelCard> Models { get; } =
    [
        Card("mlx-community/Llama-3.2-1B-Instruct-4bit", storageMb: 696, layers: 16, hidden: 2048),
        Card("mlx-community/Llama-3.2-3B-Instruct-4bit", storageMb: 1_770, layers: 28, hidden: 3072),
        Card("mlx-community/Qwen2.5-0.5B-Instruct-4bit", storageMb: 278, layers: 24, hidden: 896),
        Card("mlx-community/Meta-Llama-3.1-8B-Instruct-4bit", storageMb: 4_520, layers: 32, hidden: 4096),
        Card("mlx-community/Llama-3.3-70B-Instruct-4bit", storageMb: 39_700, layers: 80, hidden: 8192),
    ];

    public static ModelCard? Find(string modelId) => Models.FirstOrDefault(m => m.ModelId == modelId);

    public static ModelListEntry ToListEntry(ModelCard card) => new()
    {
        Id = card.ModelId,
        Created = 1_735_689_600, // fixed, so the listing is deterministic
        HuggingFaceId = card.ModelId,
        Name = card.ModelId[(card.ModelId.IndexOf('/', StringComparison.Ordinal) + 1)..],
        ContextLength = 131_072,
        StorageSizeMegabytes = (long)card.StorageSize.InMegabytes,
        SupportsTensor = card.SupportsTensor,
        Tasks = card.Tasks,
    };

    private static ModelCard Card(string id, long storageMb, int layers, int hidden) => new()
    {
        ModelId = id,
        StorageSize = MemorySize.FromMegabytes(storageMb),
        NLayers = layers,
        HiddenSize = hidden,
        SupportsTensor = true,
        Tasks = ["TextGeneration"],
    };
}
