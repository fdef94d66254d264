using System.Text.Json;
using System.Text.Json.Serialization;
using Deror.Exo.Json;

namespace Deror.Exo.Models;

/// <summary>A model download on a node in <c>/state.downloads</c>: <c>{"DownloadOngoing": {nodeId, shardMetadata, downloadProgress}}</c>.</summary>
[JsonConverter(typeof(TaggedUnionConverter<DownloadProgress>))]
public abstract record DownloadProgress : ITaggedUnion
{
    [JsonIgnore]
    public virtual string Tag => GetType().Name;

    public string NodeId { get; init; } = "";

    public ShardMetadata? ShardMetadata { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

public sealed record DownloadPending : DownloadProgress;

public sealed record DownloadOngoing : DownloadProgress
{
    public DownloadProgressData? DownloadProgress { get; init; }
}

public sealed record DownloadCompleted : DownloadProgress
{
    public MemorySize TotalBytes { get; init; }
}

public sealed record DownloadFailed : DownloadProgress
{
    public string ErrorMessage { get; init; } = "";
}

public sealed record UnknownDownloadProgress(string Name, JsonElement Payload) : DownloadProgress, IUnknownCase
{
    public override string Tag => Name;
}

/// <summary>Progress of an ongoing download (per-file details are left in <see cref="Extra"/>).</summary>
public sealed record DownloadProgressData
{
    public MemorySize TotalBytes { get; init; }

    public MemorySize DownloadedBytes { get; init; }

    public int CompletedFiles { get; init; }

    public int TotalFiles { get; init; }

    public double Speed { get; init; }

    public long EtaMs { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}
