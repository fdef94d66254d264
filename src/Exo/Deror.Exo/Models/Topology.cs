using System.Text.Json;

namespace Deror.Exo.Models;

/// <summary><c>/state.topology</c>: the nodes the master sees connected, and the edges between them.</summary>
public sealed record Topology
{
    public IReadOnlyList<string> Nodes { get; init; } = [];

    /// <summary>source → sink → edges (socket or RDMA connections; their shape varies by Exo version).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<JsonElement>>> Connections { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<JsonElement>>>();
}
