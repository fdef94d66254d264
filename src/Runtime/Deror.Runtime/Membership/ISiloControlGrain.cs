using Deror.Concurrency;
using Deror.Runtime.Placement;

namespace Deror.Runtime.Membership;

/// <summary>
/// A system target: one per silo, keyed by the silo's address and always activated on that silo (routing reads
/// the address from the key instead of asking the directory). Membership uses it to probe and to gossip.
/// </summary>
internal interface ISiloControlGrain : IGrainWithStringKey
{
    /// <summary>Answers with this silo's address, proving the probed generation is alive.</summary>
    [AlwaysInterleave]
    Task<string> Ping();

    /// <summary>Probes <paramref name="target"/> on behalf of a silo that cannot reach it (indirect probe).</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:10")]
    Task<bool> ProbeIndirectly(string target);

    /// <summary>This silo's load, for placement decisions on other silos.</summary>
    [AlwaysInterleave]
    Task<SiloLoad> GetLoad();

    /// <summary>The membership table changed (gossip): read it now rather than at the next refresh.</summary>
    [OneWay]
    [AlwaysInterleave]
    Task MembershipChanged(int version);
}
