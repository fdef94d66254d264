using System.Reflection;
using Deror.Placement;
using Deror.Runtime.Catalog;
using Deror.Runtime.Membership;
using Deror.Runtime.Messaging;

namespace Deror.Runtime.Placement;

/// <summary>Chooses the silo for a new activation, by the placement attribute of the grain's class.</summary>
internal sealed class PlacementDirector(ClusterMembershipView membership, ILocalSiloDetails silo, GrainTypeManifest manifest)
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
                var matching = active.Where(e => e.Metadata.TryGetValue(filter.Key, out var v) && v == filter.Value).ToArray();
                return matching.Length > 0
                    ? matching[Random.Shared.Next(matching.Length)].SiloAddress
                    : throw new DerorException($"No active silo has metadata {filter.Key}={filter.Value}, which grain {grainId} requires.");
            default:
                return active[Random.Shared.Next(active.Count)].SiloAddress;
        }
    }
}
