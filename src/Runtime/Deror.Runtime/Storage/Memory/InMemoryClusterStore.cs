using System.Collections.Concurrent;

namespace Deror.Runtime.Storage;

/// <summary>
/// The in-memory cluster store: one membership table and one grain directory per cluster id. Silos in one process
/// that are given the same store see the same membership, as silos sharing a database would.
/// </summary>
public sealed class InMemoryClusterStore
{
    private readonly ConcurrentDictionary<string, MemoryMembershipTable> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MemoryGrainDirectory> _directories = new(StringComparer.Ordinal);

    /// <summary>The store of silos that were not given one: every such silo in the process shares it.</summary>
    public static InMemoryClusterStore Default { get; } = new();

    public IMembershipTable GetMembershipTable(string clusterId)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        return _tables.GetOrAdd(clusterId, _ => new MemoryMembershipTable());
    }

    public IGrainDirectory GetGrainDirectory(string clusterId)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        return _directories.GetOrAdd(clusterId, _ => new MemoryGrainDirectory());
    }
}
