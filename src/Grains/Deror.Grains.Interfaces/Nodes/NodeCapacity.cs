namespace Deror.Grains;

/// <summary>
/// What a node has to offer, from Exo's <c>/state</c> (memory, disk, backends) and the sidecar's host (CPU cores).
/// </summary>
public sealed record NodeCapacity
{
    public double CpuCores { get; init; }

    public long MemoryTotalBytes { get; init; }

    public long MemoryAvailableBytes { get; init; }

    public long DiskTotalBytes { get; init; }

    public long DiskAvailableBytes { get; init; }

    /// <summary>Exo's inference backends on this node (<c>MlxCpu</c>, <c>MlxMetal</c>, <c>MlxCuda</c>, <c>Vllm</c>).</summary>
    public IReadOnlyList<string> Backends { get; init; } = [];
}
