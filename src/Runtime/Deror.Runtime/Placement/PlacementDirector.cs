using System.Reflection;
using Deror.Placement;
using Deror.Runtime.Catalog;
using Deror.Runtime.Membership;
using Deror.Runtime.Messaging;

namespace Deror.Runtime.Placement;

/// <summary>Chooses the silo for a new activation, by the placement attribute of the grain's class.</summary>
internal sealed class PlacementDirector(ClusterMembershipView membership, ILocalSiloDetails silo, GrainTypeManifest manifest, SiloLoadMonitor loads)
{
    public SiloAddress PlaceGrain(GrainId grainId)
    {
        var active = membership.ActiveSilos;
        if (active.Count == 0)
        {
            return silo.SiloAddress;
        }
        var strategy = manifest.TryGetClass(grainId.Type, out var grainClass)
            ? grainClass.ClassType.GetCustomAttribute<PlacementAttribute>(inherit: true)
            : null;
        switch (strategy)
        {
            case PreferLocalPlacementAttribute when active.Any(e => e.SiloAddress.Equals(silo.SiloAddress)):
                return silo.SiloAddress;
            case HashBasedPlacementAttribute:
                var ordered = active.Select(e => e.SiloAddress).OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();
                return ordered[grainId.GetUniformHashCode() % (uint)ordered.Length];
            case SiloMetadataPlacementAttribute filter:
                var required = filter.Value ?? grainId.Key;
                var matching = active.Where(e => e.Metadata.TryGetValue(filter.Key, out var v) && v == required).ToArray();
                return matching.Length > 0
                    ? matching[Random.Shared.Next(matching.Length)].SiloAddress
                    : throw new DerorException($"No active silo has metadata {filter.Key}={required}, which grain {grainId} requires.");
            case ActivationCountBasedPlacementAttribute:
                var first = active[Random.Shared.Next(active.Count)].SiloAddress;
                var second = active[Random.Shared.Next(active.Count)].SiloAddress;
                return ActivationsOf(second) < ActivationsOf(first) ? second : first;
            case ResourceOptimizedPlacementAttribute:
                var maxActivations = Math.Max(1, active.Max(e => ActivationsOf(e.SiloAddress)));
                return active
                    .Select(e => (Silo: e.SiloAddress, Score: Score(e.SiloAddress, maxActivations), Tiebreak: Random.Shared.Next()))
                    .OrderBy(c => c.Score)
                    .ThenBy(c => c.Tiebreak)
                    .First().Silo;
            default:
                return active[Random.Shared.Next(active.Count)].SiloAddress;
        }
    }

    // Silos whose load is not known yet count as idle: a new silo should get work.
    private int ActivationsOf(SiloAddress target) => loads.GetLoad(target)?.Activations ?? 0;

    private double Score(SiloAddress target, int maxActivations)
        => loads.GetLoad(target) is { } load
            ? (0.4 * load.CpuUsage) + (0.3 * load.MemoryUsage) + (0.3 * load.Activations / maxActivations)
            : 0;
}
