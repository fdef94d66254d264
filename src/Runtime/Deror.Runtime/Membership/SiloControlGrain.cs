using Deror.Concurrency;
using Deror.Runtime.Placement;

namespace Deror.Runtime.Membership;

[GrainType(GrainTypeName)]
[Reentrant]
internal sealed class SiloControlGrain(MembershipAgent agent, SiloLoadMonitor load) : Grain, ISiloControlGrain
{
    public const string GrainTypeName = "sys.silo";

    public static readonly GrainType GrainType = new(GrainTypeName);

    public static GrainId IdOf(SiloAddress silo) => GrainId.Create(GrainType, silo.ToString());

    public Task<string> Ping() => Task.FromResult(GrainContext.Address.ToString());

    public Task<bool> ProbeIndirectly(string target) => agent.ProbeAsync(SiloAddress.Parse(target));

    public Task<SiloLoad> GetLoad() => Task.FromResult(load.MeasureLocal());

    public Task MembershipChanged(int version)
    {
        agent.OnGossip(version);
        return Task.CompletedTask;
    }
}
