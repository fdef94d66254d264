namespace Deror.Exo.Simulator.Cluster;

/// <summary>
/// The simulator's election rule (invented; exo runs its own election over zenoh): a force-master node wins; then
/// the node most live peers already take for master (an incumbent survives a peer joining or leaving); then the
/// earliest started; then the lowest id. Every node applies it to the same reports and reaches the same result.
/// </summary>
internal static class Election
{
    public static string Choose(IReadOnlyCollection<PeerReport> live)
    {
        var ids = live.Select(r => r.NodeId).ToHashSet(StringComparer.Ordinal);
        var votes = live
            .Where(r => r.MasterId is not null && ids.Contains(r.MasterId))
            .GroupBy(r => r.MasterId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return live
            .OrderByDescending(r => r.ForceMaster)
            .ThenByDescending(r => votes.GetValueOrDefault(r.NodeId))
            .ThenBy(r => r.StartedAt)
            .ThenBy(r => r.NodeId, StringComparer.Ordinal)
            .First()
            .NodeId;
    }
}
