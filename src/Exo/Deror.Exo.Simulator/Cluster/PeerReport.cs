using Deror.Exo.Models;

namespace Deror.Exo.Simulator.Cluster;

/// <summary>
/// What a node tells its peers when probed (the simulator's stand-in for exo's gossip): who it is, what it has,
/// the status of its runners and whom it takes for master. The master adds its whole state for followers to serve.
/// </summary>
internal sealed record PeerReport
{
    public required string NodeId { get; init; }

    public required string Namespace { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public bool ForceMaster { get; init; }

    public bool Worker { get; init; }

    public string? MasterId { get; init; }

    public bool Electing { get; init; }

    public required NodeIdentity Identity { get; init; }

    public required NodeMemory Memory { get; init; }

    public required NodeDisk Disk { get; init; }

    public required NodeNetwork Network { get; init; }

    public IReadOnlyList<string> Backends { get; init; } = [];

    public IReadOnlyDictionary<string, RunnerStatus> Runners { get; init; } = new Dictionary<string, RunnerStatus>();

    public IReadOnlyList<DownloadProgress> Downloads { get; init; } = [];

    public ExoState? State { get; init; }
}
