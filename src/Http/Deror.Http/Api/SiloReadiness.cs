using Deror.Hosting;
using Deror.Runtime;
using Deror.Runtime.Membership;
using Deror.Runtime.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Http.Api;

/// <summary>Whether this silo serves: started, and Active in its own view of the membership table.</summary>
internal sealed class SiloReadiness(Silo silo, ILocalSiloDetails local, ClusterMembershipView membership, IServiceProvider services)
{
    // Without a membership table the silo runs alone and serves as soon as it has started.
    private readonly bool _clustered = services.GetService<IMembershipTable>() is not null;

    public (bool Ready, string Status) Check()
    {
        if (!silo.Started.IsCompletedSuccessfully)
        {
            return (false, "Starting");
        }
        if (!_clustered)
        {
            return (true, nameof(SiloStatus.Active));
        }
        if (membership.IsLocalSiloDead)
        {
            return (false, nameof(SiloStatus.Dead));
        }
        var status = membership.GetStatus(local.SiloAddress);
        return (status == SiloStatus.Active, status.ToString());
    }
}
