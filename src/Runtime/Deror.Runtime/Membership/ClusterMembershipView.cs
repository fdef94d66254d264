namespace Deror.Runtime.Membership;

/// <summary>
/// This silo's current view of the membership table: an immutable snapshot replaced whenever a newer table
/// version is read. Everything that routes or places reads it; nothing here talks to the store.
/// </summary>
public sealed class ClusterMembershipView
{
    private readonly object _updateLock = new();
    private volatile MembershipTableSnapshot _snapshot = new([], new TableVersion(-1, ""));

    /// <summary>Raised after the snapshot changed (on the thread that installed it).</summary>
    public event Action<MembershipTableSnapshot>? Changed;

    public MembershipTableSnapshot Snapshot => _snapshot;

    public int Version => _snapshot.Version.Version;

    /// <summary>Set when this silo read its own row as Dead: from then on it serves nothing.</summary>
    public bool IsLocalSiloDead { get; private set; }

    public void MarkLocalSiloDead() => IsLocalSiloDead = true;

    public IReadOnlyList<MembershipEntry> ActiveSilos => _snapshot.Rows.Where(r => r.Entry.Status == SiloStatus.Active).Select(r => r.Entry).ToArray();

    public SiloStatus GetStatus(SiloAddress silo) => _snapshot.Find(silo)?.Entry.Status ?? SiloStatus.None;

    /// <summary>Dead, or superseded by a newer generation on the same endpoint.</summary>
    public bool IsDead(SiloAddress silo)
    {
        var snapshot = _snapshot;
        if (snapshot.Find(silo)?.Entry.Status == SiloStatus.Dead)
        {
            return true;
        }
        return snapshot.Rows.Any(r => r.Entry.SiloAddress.Endpoint.Equals(silo.Endpoint) && r.Entry.SiloAddress.Generation > silo.Generation);
    }

    /// <summary>Installs <paramref name="snapshot"/> if it is newer than the current one; true if it was.</summary>
    public bool TryUpdate(MembershipTableSnapshot snapshot)
    {
        lock (_updateLock)
        {
            if (snapshot.Version.Version <= _snapshot.Version.Version)
            {
                return false;
            }
            _snapshot = snapshot;
        }
        Changed?.Invoke(snapshot);
        return true;
    }
}
