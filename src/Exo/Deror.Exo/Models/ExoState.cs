using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deror.Exo.Models;

/// <summary>
/// Exo's whole cluster state as <c>GET /state</c> returns it (the master's state, replicated to every node).
/// <see cref="LastSeen"/> holds the master's clock: compare its entries with each other, never with local time.
/// </summary>
public sealed record ExoState
{
    public IReadOnlyDictionary<string, ExoInstance> Instances { get; init; } = new Dictionary<string, ExoInstance>();

    public IReadOnlyDictionary<string, RunnerStatus> Runners { get; init; } = new Dictionary<string, RunnerStatus>();

    public IReadOnlyDictionary<string, IReadOnlyList<DownloadProgress>> Downloads { get; init; } = new Dictionary<string, IReadOnlyList<DownloadProgress>>();

    public IReadOnlyDictionary<string, ExoTask> Tasks { get; init; } = new Dictionary<string, ExoTask>();

    public IReadOnlyDictionary<string, DateTimeOffset> LastSeen { get; init; } = new Dictionary<string, DateTimeOffset>();

    public Topology Topology { get; init; } = new();

    public IReadOnlyDictionary<string, NodeIdentity> NodeIdentities { get; init; } = new Dictionary<string, NodeIdentity>();

    public IReadOnlyDictionary<string, NodeMemory> NodeMemory { get; init; } = new Dictionary<string, NodeMemory>();

    public IReadOnlyDictionary<string, NodeDisk> NodeDisk { get; init; } = new Dictionary<string, NodeDisk>();

    public IReadOnlyDictionary<string, NodeNetwork> NodeNetwork { get; init; } = new Dictionary<string, NodeNetwork>();

    public IReadOnlyDictionary<string, IReadOnlyList<string>> NodeBackends { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Parts of the state this client does not model (nodeSystem, nodeThunderbolt, ...), kept as received.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}
