using System.Globalization;
using Deror.Client;
using Deror.Placement;
using Deror.Runtime.Messaging;

namespace Deror.Runtime.Membership;

[GrainType("sys.gateways")]
[StatelessWorker(1)]
internal sealed class GatewayListGrain(ClusterMembershipView membership, ILocalSiloDetails silo) : Grain, IGatewayListGrain
{
    public Task<IReadOnlyList<string>> GetGateways()
    {
        var active = membership.ActiveSilos.Where(e => e.GatewayPort > 0).ToArray();
        IReadOnlyList<string> gateways = active.Length == 0
            // A lone silo without membership: its own gateway is the cluster's only one.
            ? [silo.GatewayEndpoint.ToString()]
            : active.Select(e => $"{e.SiloAddress.Endpoint.Address}:{e.GatewayPort.ToString(CultureInfo.InvariantCulture)}").ToArray();
        return Task.FromResult(gateways);
    }
}
