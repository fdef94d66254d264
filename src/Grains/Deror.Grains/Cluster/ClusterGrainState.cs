namespace Deror.Grains;

/// <summary>The persisted state of a <see cref="ClusterGrain"/>. Node states are not persisted here: node grains own them.</summary>
public sealed class ClusterGrainState
{
    public ClusterPolicy Policy { get; set; } = new();

    public List<ModelPlacement> Placements { get; set; } = [];

    /// <summary>Every node that ever reported, so silence is noticed even after this grain moved to another silo.</summary>
    public List<string> KnownNodes { get; set; } = [];

    public MaintenanceStatus? Maintenance { get; set; }

    /// <summary>Nodes of the current maintenance that have been seen down (Maintenance or Recovering).</summary>
    public List<string> MaintenanceWentDown { get; set; } = [];
}
