using Deror.Client;
using Deror.Placement;
using Deror.Runtime.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Runtime.Membership;

[GrainType("sys.management")]
[StatelessWorker(1)]
internal sealed class ManagementGrain(ClusterMembershipView membership, ILocalSiloDetails local, IServiceProvider services) : Grain, IManagementGrain
{
    // Without a membership table the silo runs alone; it is the whole cluster and, serving this call, Active.
    private readonly bool _clustered = services.GetService<IMembershipTable>() is not null;

    public Task<IReadOnlyList<SiloDetails>> GetSilos()
    {
        var rows = _clustered
            ? membership.Snapshot.Rows.Select(r => r.Entry).ToList()
            :
            [
                new MembershipEntry
                {
                    SiloAddress = local.SiloAddress,
                    Status = SiloStatus.Active,
                    SiloName = local.SiloName,
                    HostName = Environment.MachineName,
                    GatewayPort = local.GatewayEndpoint.Port,
                },
            ];
        IReadOnlyList<SiloDetails> silos = rows
            .OrderBy(e => e.Status == SiloStatus.Dead)
            .ThenBy(e => e.SiloName, StringComparer.Ordinal)
            .ThenByDescending(e => e.SiloAddress.Generation)
            .Select(e => new SiloDetails
            {
                Address = e.SiloAddress.ToString(),
                Status = e.Status,
                Name = e.SiloName,
                HostName = e.HostName,
                Gateway = e.GatewayPort > 0 ? $"{e.SiloAddress.Endpoint.Address}:{e.GatewayPort}" : null,
                StartTime = e.StartTime,
                IAmAliveTime = e.IAmAliveTime,
                IsLocal = e.SiloAddress.Equals(local.SiloAddress),
                Metadata = e.Metadata,
            })
            .ToArray();
        return Task.FromResult(silos);
    }
}
