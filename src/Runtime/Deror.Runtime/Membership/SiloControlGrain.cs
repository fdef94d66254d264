using Deror.Concurrency;

namespace Deror.Runtime.Membership;

[GrainType(GrainTypeName)]
[Reentrant]
internal sealed class SiloControlGrain(MembershipAgent agent) : Grain, ISiloControlGrain
{
    public const string GrainTypeName = "sys.silo";

    public static readonly GrainType GrainType = new(GrainTypeName);

    public static GrainId IdOf(SiloAddress silo) => GrainId.Create(GrainType, silo.ToString());

    public Task<string> Ping() => Task.FromResult(GrainContext.Address.ToString());

    public Task<bool> ProbeIndirectly(string target) => agent.ProbeAsync(SiloAddress.Parse(target));

    public Task MembershipChanged(int version)
    {
        agent.OnGossip(version);
        return Task.CompletedTask;
    }
}
