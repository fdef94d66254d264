namespace Deror.Exo.Models;

/// <summary><c>/state.nodeIdentities[id]</c>. On Linux Exo reports "Unknown Model"/"Unknown Chip" and the hostname.</summary>
public sealed record NodeIdentity(string ModelId, string ChipId, string FriendlyName, string OsVersion);

/// <summary><c>/state.nodeMemory[id]</c>, refreshed by the node every second.</summary>
public sealed record NodeMemory(MemorySize RamTotal, MemorySize RamAvailable, MemorySize SwapTotal, MemorySize SwapAvailable);

/// <summary><c>/state.nodeDisk[id]</c>.</summary>
public sealed record NodeDisk(MemorySize Total, MemorySize Available);

/// <summary><c>/state.nodeNetwork[id]</c>: how to find the machine behind a node id.</summary>
public sealed record NodeNetwork(IReadOnlyList<NetworkInterfaceInfo> Interfaces);

public sealed record NetworkInterfaceInfo(string Name, string IpAddress, string? InterfaceType);

/// <summary>The backends Exo names in <c>/state.nodeBackends</c>.</summary>
public static class ExoBackends
{
    public const string MlxCpu = "MlxCpu";
    public const string MlxMetal = "MlxMetal";
    public const string MlxCuda = "MlxCuda";
    public const string Vllm = "Vllm";
}
