using Deror.Runtime;
namespace Deror.Persistence.Tests.Conformance;

/// <summary>
/// The behaviour every <see cref="IMembershipTable"/> provider must show, through the interface only.
/// Factory contract for subclasses: <see cref="CreateTable"/> returns a table of the given cluster id over one store
/// that is empty at the start of each test; every call within a test uses that same store (so two calls with one
/// cluster id are two instances over the same data, and calls with different cluster ids share the store but must
/// not see each other's rows). Tests call <see cref="IMembershipTable.InitializeAsync"/> themselves.
/// </summary>
public abstract class MembershipTableConformanceTests
{
    private const string ClusterId = "cluster-a";

    private static readonly SiloAddress SiloA = TestSilos.Address(11111);
    private static readonly SiloAddress SiloB = TestSilos.Address(11112);
    private static readonly SiloAddress SiloC = TestSilos.Address(11113);
    private static readonly IReadOnlyList<SuspectVote> NoVotes = [];
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    // Lazy (thread-safe): tests that race their first calls must all get the one instance.
    private readonly Lazy<IMembershipTable> _table;

    protected IMembershipTable Table => _table.Value;

    protected MembershipTableConformanceTests()
    {
        _table = new Lazy<IMembershipTable>(() => CreateTable(ClusterId));
    }

    /// <summary>A table of <paramref name="clusterId"/> in this test's store (see the class comment).</summary>
    protected abstract IMembershipTable CreateTable(string clusterId);

    [Fact]
    public async Task AnInitializedTableHasVersionZeroAndNoRows()
    {
        await Table.InitializeAsync();

        var snapshot = await Table.ReadAllAsync();

        Assert.Equal(0, snapshot.Version.Version);
        Assert.Empty(snapshot.Rows);
    }

    [Fact]
    public async Task InitializingAgainOrInParallelKeepsTheVersionAndRows()
    {
        await TestGrains.RaceAsync(10, async _ =>
        {
            await Table.InitializeAsync();
            return true;
        });
        Assert.True(await InsertAsync(TestSilos.Entry(SiloA)));
        var before = await Table.ReadAllAsync();

        await Table.InitializeAsync();

        var after = await Table.ReadAllAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(1, after.Version.Version);
        Assert.Equal(before.Find(SiloA)!.ETag, after.Find(SiloA)!.ETag);
    }

    [Fact]
    public async Task AnInsertedRowReadsBackWithEveryFieldAndMovesTheVersion()
    {
        await Table.InitializeAsync();
        var entry = TestSilos.Entry(SiloA, SiloStatus.Active) with
        {
            SiloName = "silo-a",
            HostName = "host.example",
            GatewayPort = 30123,
            StartTime = new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.FromHours(5)).AddTicks(7),
            IAmAliveTime = TestSilos.Start.AddTicks(12345),
            SuspectVotes = [new SuspectVote(SiloB, TestSilos.Start.AddSeconds(1).AddTicks(3)), new SuspectVote(SiloC, TestSilos.Start.AddSeconds(2))],
            Metadata = new Dictionary<string, string> { ["exo-node"] = "node-7", ["zone"] = "", ["ünïcode \"quoted\""] = "{ \"json\": [1] }" },
        };

        Assert.True(await InsertAsync(entry));

        var snapshot = await Table.ReadAllAsync();
        Assert.Equal(1, snapshot.Version.Version);
        AssertSameEntry(entry, Assert.Single(snapshot.Rows).Entry);
    }

    [Fact]
    public async Task TwentyParallelInsertsOfTheSameRowHaveExactlyOneWinner()
    {
        await Table.InitializeAsync();
        var read = await Table.ReadAllAsync();

        var results = await TestGrains.RaceAsync(20, i => Table.InsertRowAsync(TestSilos.Entry(SiloA) with { SiloName = $"racer-{i}" }, read.Version.Next()));

        var winner = Assert.Single(Enumerable.Range(0, 20), i => results[i]);
        var snapshot = await Table.ReadAllAsync();
        Assert.Equal(1, snapshot.Version.Version);
        Assert.Equal($"racer-{winner}", Assert.Single(snapshot.Rows).Entry.SiloName);
    }

    [Fact]
    public async Task ParallelInsertsOfDifferentRowsFromOneReadHaveExactlyOneWinner()
    {
        await Table.InitializeAsync();
        var read = await Table.ReadAllAsync();

        var results = await TestGrains.RaceAsync(20, i => Table.InsertRowAsync(TestSilos.Entry(TestSilos.Address(20000 + i)), read.Version.Next()));

        var winner = Assert.Single(Enumerable.Range(0, 20), i => results[i]);
        var snapshot = await Table.ReadAllAsync();
        Assert.Equal(1, snapshot.Version.Version);
        Assert.Equal(TestSilos.Address(20000 + winner), Assert.Single(snapshot.Rows).Entry.SiloAddress);
    }

    [Fact]
    public async Task NineteenConcurrentReadModifyWriteUpdatesAllLandAndMoveTheVersionToTwenty()
    {
        await Table.InitializeAsync();
        Assert.True(await InsertAsync(TestSilos.Entry(SiloA)));
        var voters = Enumerable.Range(0, 19).Select(i => TestSilos.Address(21000 + i)).ToArray();

        await TestGrains.RaceAsync(19, async i =>
        {
            var attempts = 0;
            while (true)
            {
                attempts++;
                var snapshot = await Table.ReadAllAsync();
                var row = snapshot.Find(SiloA)!;
                var voted = row.Entry with { SuspectVotes = [.. row.Entry.SuspectVotes, new SuspectVote(voters[i], TestSilos.Start)] };
                if (await Table.UpdateRowAsync(voted, row.ETag, snapshot.Version.Next()))
                {
                    return attempts;
                }
            }
        });

        var final = await Table.ReadAllAsync();
        Assert.Equal(20, final.Version.Version);
        // Each writer kept the votes it read, so no update was lost.
        Assert.Equal(voters.OrderBy(silo => silo.Endpoint.Port), final.Find(SiloA)!.Entry.SuspectVotes.Select(vote => vote.Suspecter).OrderBy(silo => silo.Endpoint.Port));
    }

    [Fact]
    public async Task AnInsertWithAStaleVersionEtagFails()
    {
        await Table.InitializeAsync();
        var stale = await Table.ReadAllAsync();
        Assert.True(await Table.InsertRowAsync(TestSilos.Entry(SiloA), stale.Version.Next()));

        Assert.False(await Table.InsertRowAsync(TestSilos.Entry(SiloB), stale.Version.Next()));
        Assert.False(await Table.InsertRowAsync(TestSilos.Entry(SiloB), new TableVersion(1, "not-an-etag")));

        var snapshot = await Table.ReadAllAsync();
        Assert.Equal(1, snapshot.Version.Version);
        Assert.Null(snapshot.Find(SiloB));
    }

    [Fact]
    public async Task InsertingAnExistingRowFailsAndLeavesVersionAndRowAlone()
    {
        await Table.InitializeAsync();
        Assert.True(await InsertAsync(TestSilos.Entry(SiloA)));
        var before = await Table.ReadAllAsync();

        Assert.False(await Table.InsertRowAsync(TestSilos.Entry(SiloA, SiloStatus.Active), before.Version.Next()));

        var after = await Table.ReadAllAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Find(SiloA)!.ETag, after.Find(SiloA)!.ETag);
        Assert.Equal(SiloStatus.Joining, after.Find(SiloA)!.Entry.Status);
    }

    [Fact]
    public async Task AnInsertBeforeInitializationFails()
    {
        Assert.False(await Table.InsertRowAsync(TestSilos.Entry(SiloA), new TableVersion(1, "")));
        Assert.False(await Table.InsertRowAsync(TestSilos.Entry(SiloA), (await Table.ReadAllAsync()).Version.Next()));

        Assert.Empty((await Table.ReadAllAsync()).Rows);
    }

    [Fact]
    public async Task AnUpdateReplacesTheRowChangesItsEtagAndMovesTheVersion()
    {
        await Table.InitializeAsync();
        Assert.True(await InsertAsync(TestSilos.Entry(SiloA)));
        var before = await Table.ReadAllAsync();
        var active = TestSilos.Entry(SiloA, SiloStatus.Active) with { Metadata = new Dictionary<string, string> { ["k"] = "v" } };

        Assert.True(await Table.UpdateRowAsync(active, before.Find(SiloA)!.ETag, before.Version.Next()));

        var after = await Table.ReadAllAsync();
        Assert.Equal(2, after.Version.Version);
        Assert.NotEqual(before.Version.ETag, after.Version.ETag);
        Assert.NotEqual(before.Find(SiloA)!.ETag, after.Find(SiloA)!.ETag);
        AssertSameEntry(active, after.Find(SiloA)!.Entry);
    }

    [Fact]
    public async Task AnUpdateWithAStaleVersionEtagFailsEvenIfTheRowIsCurrent()
    {
        await Table.InitializeAsync();
        Assert.True(await InsertAsync(TestSilos.Entry(SiloA)));
        Assert.True(await InsertAsync(TestSilos.Entry(SiloB)));
        var stale = await Table.ReadAllAsync();
        Assert.True(await Table.UpdateRowAsync(TestSilos.Entry(SiloA, SiloStatus.Active), stale.Find(SiloA)!.ETag, stale.Version.Next()));

        Assert.False(await Table.UpdateRowAsync(TestSilos.Entry(SiloB, SiloStatus.Active), stale.Find(SiloB)!.ETag, stale.Version.Next()));

        var snapshot = await Table.ReadAllAsync();
        Assert.Equal(3, snapshot.Version.Version);
        Assert.Equal(SiloStatus.Joining, snapshot.Find(SiloB)!.Entry.Status);
        Assert.Equal(stale.Find(SiloB)!.ETag, snapshot.Find(SiloB)!.ETag);
    }

    [Fact]
    public async Task AnUpdateWithAStaleRowEtagFailsEvenIfTheVersionIsCurrent()
    {
        await Table.InitializeAsync();
        Assert.True(await InsertAsync(TestSilos.Entry(SiloA)));
        var stale = await Table.ReadAllAsync();
        Assert.True(await Table.UpdateRowAsync(TestSilos.Entry(SiloA, SiloStatus.Active), stale.Find(SiloA)!.ETag, stale.Version.Next()));
        var current = await Table.ReadAllAsync();

        Assert.False(await Table.UpdateRowAsync(TestSilos.Entry(SiloA, SiloStatus.Dead), stale.Find(SiloA)!.ETag, current.Version.Next()));
        Assert.False(await Table.UpdateRowAsync(TestSilos.Entry(SiloA, SiloStatus.Dead), "not-an-etag", current.Version.Next()));

        var snapshot = await Table.ReadAllAsync();
        Assert.Equal(current.Version, snapshot.Version);
        Assert.Equal(SiloStatus.Active, snapshot.Find(SiloA)!.Entry.Status);
    }

    [Fact]
    public async Task UpdatingAMissingRowFailsAndLeavesTheVersionAlone()
    {
        await Table.InitializeAsync();
        Assert.True(await InsertAsync(TestSilos.Entry(SiloA)));
        var read = await Table.ReadAllAsync();

        Assert.False(await Table.UpdateRowAsync(TestSilos.Entry(SiloB), read.Find(SiloA)!.ETag, read.Version.Next()));

        var snapshot = await Table.ReadAllAsync();
        Assert.Equal(read.Version, snapshot.Version);
        Assert.Null(snapshot.Find(SiloB));
    }

    [Fact]
    public async Task IAmAliveChangesNeitherTheVersionNorTheRowEtag()
    {
        await Table.InitializeAsync();
        Assert.True(await InsertAsync(TestSilos.Entry(SiloA)));
        var before = await Table.ReadAllAsync();
        var alive = TestSilos.Start.AddMinutes(3).AddTicks(9);

        await Table.UpdateIAmAliveAsync(SiloA, alive);

        var after = await Table.ReadAllAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Find(SiloA)!.ETag, after.Find(SiloA)!.ETag);
        Assert.Equal(alive, after.Find(SiloA)!.Entry.IAmAliveTime);
        // The row etag read before the IAmAlive write still guards an update.
        Assert.True(await Table.UpdateRowAsync(after.Find(SiloA)!.Entry with { Status = SiloStatus.Active }, before.Find(SiloA)!.ETag, after.Version.Next()));
    }

    [Fact]
    public async Task IAmAliveOfAnUnknownSiloCreatesNoRow()
    {
        await Table.InitializeAsync();

        await Table.UpdateIAmAliveAsync(SiloA, TestSilos.Start);

        var snapshot = await Table.ReadAllAsync();
        Assert.Empty(snapshot.Rows);
        Assert.Equal(0, snapshot.Version.Version);
    }

    [Fact]
    public async Task EveryReadSeesAVersionThatMatchesItsRows()
    {
        await Table.InitializeAsync();
        const int Silos = 12;
        var writing = TestGrains.RaceAsync(4, async writer =>
        {
            for (var i = writer; i < Silos; i += 4)
            {
                while (!await InsertAsync(TestSilos.Entry(TestSilos.Address(22000 + i))))
                {
                    // Another writer moved the version between our read and our insert: read again.
                }
            }
            return true;
        });

        // Each insert adds one row and moves the version by one, so a consistent read has version == row count.
        while (!writing.IsCompleted)
        {
            var snapshot = await Table.ReadAllAsync();
            Assert.Equal(snapshot.Rows.Count, snapshot.Version.Version);
        }
        await writing;
        var final = await Table.ReadAllAsync();
        Assert.Equal(Silos, final.Version.Version);
        Assert.Equal(Silos, final.Rows.Count);
    }

    [Fact]
    public async Task CleanupRemovesOnlyDeadRowsLastAliveBeforeTheDate()
    {
        await Table.InitializeAsync();
        var cutoff = TestSilos.Start.AddHours(1);
        Assert.True(await InsertAsync(TestSilos.Entry(SiloA, SiloStatus.Dead) with { IAmAliveTime = cutoff.AddTicks(-1) }));
        Assert.True(await InsertAsync(TestSilos.Entry(SiloB, SiloStatus.Dead) with { IAmAliveTime = cutoff }));
        Assert.True(await InsertAsync(TestSilos.Entry(SiloC, SiloStatus.Active) with { IAmAliveTime = cutoff.AddHours(-1) }));

        await Table.CleanupDefunctSiloEntriesAsync(cutoff);

        var remaining = (await Table.ReadAllAsync()).Rows.Select(row => row.Entry.SiloAddress).OrderBy(silo => silo.Endpoint.Port);
        Assert.Equal([SiloB, SiloC], remaining);
    }

    [Fact]
    public async Task ClustersSharingAStoreAreIsolated()
    {
        var other = CreateTable("cluster-b");
        await Table.InitializeAsync();
        await other.InitializeAsync();
        Assert.True(await InsertAsync(TestSilos.Entry(SiloA)));
        Assert.True(await InsertAsync(TestSilos.Entry(SiloB)));

        var otherSnapshot = await other.ReadAllAsync();
        Assert.Equal(0, otherSnapshot.Version.Version);
        Assert.Empty(otherSnapshot.Rows);

        Assert.True(await other.InsertRowAsync(TestSilos.Entry(SiloA, SiloStatus.Active), otherSnapshot.Version.Next()));
        await other.UpdateIAmAliveAsync(SiloB, TestSilos.Start.AddDays(1));
        await other.CleanupDefunctSiloEntriesAsync(DateTimeOffset.MaxValue);

        var snapshot = await Table.ReadAllAsync();
        Assert.Equal(2, snapshot.Version.Version);
        Assert.Equal(SiloStatus.Joining, snapshot.Find(SiloA)!.Entry.Status);
        Assert.Equal(TestSilos.Start, snapshot.Find(SiloB)!.Entry.IAmAliveTime);
        Assert.Equal(SiloStatus.Active, Assert.Single((await other.ReadAllAsync()).Rows).Entry.Status);
    }

    [Fact]
    public async Task ASecondInstanceOfTheClusterSeesTheSameTable()
    {
        var second = CreateTable(ClusterId);
        await Table.InitializeAsync();
        await second.InitializeAsync();
        Assert.True(await InsertAsync(TestSilos.Entry(SiloA)));

        var read = await second.ReadAllAsync();
        Assert.Equal(1, read.Version.Version);
        Assert.True(await second.UpdateRowAsync(TestSilos.Entry(SiloA, SiloStatus.Active), read.Find(SiloA)!.ETag, read.Version.Next()));

        Assert.Equal(SiloStatus.Active, (await Table.ReadAllAsync()).Find(SiloA)!.Entry.Status);
    }

    /// <summary>Inserts <paramref name="entry"/> conditioned on a fresh read of the version.</summary>
    private async Task<bool> InsertAsync(MembershipEntry entry)
        => await Table.InsertRowAsync(entry, (await Table.ReadAllAsync()).Version.Next());

    private static void AssertSameEntry(MembershipEntry expected, MembershipEntry actual)
    {
        // The collections compare by reference in the record's equality; compare them by content instead.
        Assert.Equal(expected with { SuspectVotes = NoVotes, Metadata = NoMetadata }, actual with { SuspectVotes = NoVotes, Metadata = NoMetadata });
        Assert.Equal(expected.SuspectVotes, actual.SuspectVotes);
        Assert.Equal(expected.Metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal), actual.Metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal));
    }
}
