namespace Deror.Runtime;

/// <summary>
/// The cluster's membership table (the Orleans protocol): one row per silo instance plus one table version.
/// <b>Every change of membership (join, status change, suspicion vote) is a compare-and-swap on the table
/// version</b>: it succeeds only if the version row still carries the etag the writer read, and it moves the
/// version to the writer's new number. IAmAlive updates are the only writes that do not touch the version.
/// A table instance serves one cluster id (given to the provider).
/// </summary>
public interface IMembershipTable
{
    /// <summary>Creates the cluster's version row (version 0) if it does not exist. Idempotent and safe to race.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// All rows with their etags, and the table version, read consistently. Before <see cref="InitializeAsync"/>: no
    /// rows and version 0 with an empty etag, which no write can match.
    /// </summary>
    Task<MembershipTableSnapshot> ReadAllAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts <paramref name="entry"/> if no row for its silo exists and the version row's etag is still
    /// <paramref name="newVersion"/>.<see cref="TableVersion.ETag"/> (the etag the caller read); the version becomes
    /// <paramref name="newVersion"/>.<see cref="TableVersion.Version"/>. False if either condition fails.
    /// </summary>
    Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion newVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the row of <paramref name="entry"/>'s silo if its etag is still <paramref name="rowETag"/> and the
    /// version row's etag is still <paramref name="newVersion"/>.ETag; moves the version as for inserts. False otherwise.
    /// </summary>
    Task<bool> UpdateRowAsync(MembershipEntry entry, string rowETag, TableVersion newVersion, CancellationToken cancellationToken = default);

    /// <summary>Records that the silo is alive. Changes neither the table version nor the row's etag.</summary>
    Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset iAmAliveTime, CancellationToken cancellationToken = default);

    /// <summary>Deletes rows of silos that are Dead and last alive before <paramref name="beforeDate"/>.</summary>
    Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default);
}

/// <summary>The life of a silo in the membership table.</summary>
public enum SiloStatus
{
    None = 0,
    Joining = 1,
    Active = 2,
    ShuttingDown = 3,

    /// <summary>Final: a silo declared dead never comes back under the same address (it restarts as a new generation).</summary>
    Dead = 4,
}

/// <summary>One silo's row.</summary>
public sealed record MembershipEntry
{
    public required SiloAddress SiloAddress { get; init; }

    public required SiloStatus Status { get; init; }

    public string SiloName { get; init; } = "";

    public string HostName { get; init; } = "";

    /// <summary>The client gateway port on the silo's address; 0 if the silo has no gateway.</summary>
    public int GatewayPort { get; init; }

    public DateTimeOffset StartTime { get; init; }

    public DateTimeOffset IAmAliveTime { get; init; }

    /// <summary>Who suspects this silo of being dead, and when (votes expire; see the membership options).</summary>
    public IReadOnlyList<SuspectVote> SuspectVotes { get; init; } = [];

    /// <summary>What the silo declares about itself (e.g. the Exo node it serves), for placement filters.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

public sealed record SuspectVote(SiloAddress Suspecter, DateTimeOffset Time);

/// <summary>A table version number with the etag of the version row it was read from (or is conditioned on).</summary>
public sealed record TableVersion(int Version, string ETag)
{
    /// <summary>The version a writer proposes after reading this one: number + 1, conditioned on this etag.</summary>
    public TableVersion Next() => new(Version + 1, ETag);
}

public sealed record MembershipRow(MembershipEntry Entry, string ETag);

public sealed record MembershipTableSnapshot(IReadOnlyList<MembershipRow> Rows, TableVersion Version)
{
    public MembershipRow? Find(SiloAddress silo) => Rows.FirstOrDefault(r => r.Entry.SiloAddress.Equals(silo));
}
