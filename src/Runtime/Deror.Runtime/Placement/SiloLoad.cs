namespace Deror.Runtime.Placement;

/// <summary>How busy a silo is: what resource-aware placement compares.</summary>
/// <param name="Activations">Live activations on the silo.</param>
/// <param name="CpuUsage">Process CPU use over the last measurement interval, 0..1 of the machine's cores.</param>
/// <param name="MemoryUsage">Used fraction of the memory available to the process, 0..1.</param>
public sealed record SiloLoad(int Activations, double CpuUsage, double MemoryUsage);
