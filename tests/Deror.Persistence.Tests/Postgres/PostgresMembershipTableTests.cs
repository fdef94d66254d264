using System.Net;
using Deror.Persistence.Postgres;
using Deror.Persistence.Tests.Conformance;
using Deror.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Persistence.Tests.Postgres;

/// <summary>The membership protocol on PostgreSQL: every change is a compare-and-swap on the cluster's version row.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresMembershipTableTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly PostgresTestScope _scope;

    public PostgresMembershipTableTests(PostgresServerFixture server) => _scope = new PostgresTestScope(server);

    public void Dispose() => _scope.Dispose();

    [Fact]
    public async Task ConcurrentInitializationsCreateOneEmptyVersionZero()
    {
        await TestGrains.RaceAsync(10, async _ =>
        {
            await NewTable().InitializeAsync();
            return true;
        });

        var snapshot = await NewTable().ReadAllAsync();

        Assert.Empty(snapshot.Rows);
        Assert.Equal(0, snapshot.Version.Version);
    }

    [Fact]
    public async Task InitializingAgainKeepsTheVersionAndRows()
    {
        var table = await InitializedTableAsync();
        Assert.True(await table.InsertRowAsync(Entry(1), (await table.ReadAllAsync()).Version.Next()));

        await table.InitializeAsync();

        var snapshot = await table.ReadAllAsync();
        Assert.Equal(1, snapshot.Version.Version);
        Assert.Single(snapshot.Rows);
    }

    [Fact]
    public async Task ReadingAnUninitializedClusterThrows()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => NewTable().ReadAllAsync());

        Assert.Contains(_scope.Id, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InsertedRowReadsBackWithEveryFieldAndTheNewVersion()
    {
        var table = await InitializedTableAsync();
        var before = (await table.ReadAllAsync()).Version;
        var entry = Entry(1, SiloStatus.Active) with
        {
            SuspectVotes = [new SuspectVote(Silo(2), Start.AddSeconds(3)), new SuspectVote(Silo(3), Start.AddTicks(7))],
            Metadata = new Dictionary<string, string> { ["exo-node"] = "node-7", ["zone"] = "b" },
        };

        Assert.True(await table.InsertRowAsync(entry, before.Next()));

        var snapshot = await table.ReadAllAsync();
        Assert.Equal(1, snapshot.Version.Version);
        Assert.NotEqual(before.ETag, snapshot.Version.ETag);
        var row = Assert.Single(snapshot.Rows);
        AssertSameEntry(entry, row.Entry);
    }

    [Fact]
    public async Task TwentyParallelInsertsOfOneRowHaveExactlyOneWinner()
    {
        var table = await InitializedTableAsync();
        var version = (await table.ReadAllAsync()).Version;

        var results = await TestGrains.RaceAsync(20, i => NewTable().InsertRowAsync(Entry(1) with { SiloName = $"racer-{i}" }, version.Next()));

        Assert.Single(results, inserted => inserted);
        var snapshot = await table.ReadAllAsync();
        Assert.Equal(1, snapshot.Version.Version);
        var row = Assert.Single(snapshot.Rows);
        Assert.Equal($"racer-{Array.IndexOf(results, true)}", row.Entry.SiloName);
    }

    [Fact]
    public async Task InsertingAnExistingSiloFailsAndLeavesTheVersion()
    {
        var table = await InitializedTableAsync();
        Assert.True(await table.InsertRowAsync(Entry(1), (await table.ReadAllAsync()).Version.Next()));
        var before = await table.ReadAllAsync();

        Assert.False(await table.InsertRowAsync(Entry(1) with { SiloName = "again" }, before.Version.Next()));

        var after = await table.ReadAllAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(Entry(1).SiloName, Assert.Single(after.Rows).Entry.SiloName);
    }

    [Fact]
    public async Task InsertWithAStaleVersionEtagFails()
    {
        var table = await InitializedTableAsync();
        var stale = (await table.ReadAllAsync()).Version;
        Assert.True(await table.InsertRowAsync(Entry(1), stale.Next()));

        Assert.False(await table.InsertRowAsync(Entry(2), stale.Next()));

        var snapshot = await table.ReadAllAsync();
        Assert.Equal(1, snapshot.Version.Version);
        Assert.Single(snapshot.Rows);
    }

    [Fact]
    public async Task NineteenConcurrentCasUpdatesOfOneRowReachVersionTwentyWithoutLosingAWrite()
    {
        var table = await InitializedTableAsync();
        Assert.True(await table.InsertRowAsync(Entry(1), (await table.ReadAllAsync()).Version.Next()));

        // Each racer adds its own suspicion vote, retrying on a lost CAS as the membership protocol does.
        await TestGrains.RaceAsync(19, async i =>
        {
            var racer = NewTable();
            while (true)
            {
                var snapshot = await racer.ReadAllAsync();
                var row = snapshot.Find(Silo(1))!;
                var voted = row.Entry with { SuspectVotes = [.. row.Entry.SuspectVotes, new SuspectVote(Silo(100 + i), Start)] };
                if (await racer.UpdateRowAsync(voted, row.ETag, snapshot.Version.Next()))
                {
                    return true;
                }
            }
        });

        var final = await table.ReadAllAsync();
        Assert.Equal(20, final.Version.Version);
        var votes = Assert.Single(final.Rows).Entry.SuspectVotes;
        Assert.Equal(Enumerable.Range(100, 19).Select(Silo).ToHashSet(), votes.Select(vote => vote.Suspecter).ToHashSet());
    }

    [Fact]
    public async Task TwentyParallelUpdatesOfDifferentRowsFromOneVersionHaveExactlyOneWinner()
    {
        var table = await InitializedTableAsync();
        for (var port = 1; port <= 20; port++)
        {
            await InsertAsync(table, Entry(port));
        }
        var snapshot = await table.ReadAllAsync();

        // Row etags all match, so only the table version can stop the racers.
        var results = await TestGrains.RaceAsync(20, i =>
            NewTable().UpdateRowAsync(Entry(i + 1, SiloStatus.Active), snapshot.Find(Silo(i + 1))!.ETag, snapshot.Version.Next()));

        Assert.Single(results, updated => updated);
        var after = await table.ReadAllAsync();
        Assert.Equal(21, after.Version.Version);
        Assert.Single(after.Rows, row => row.Entry.Status == SiloStatus.Active);
    }

    [Fact]
    public async Task UpdateWithTheCurrentEtagsReplacesTheRowAndChangesItsEtag()
    {
        var table = await InitializedTableAsync();
        Assert.True(await table.InsertRowAsync(Entry(1), (await table.ReadAllAsync()).Version.Next()));
        var before = await table.ReadAllAsync();
        var row = Assert.Single(before.Rows);

        Assert.True(await table.UpdateRowAsync(Entry(1, SiloStatus.Active), row.ETag, before.Version.Next()));

        var after = await table.ReadAllAsync();
        Assert.Equal(2, after.Version.Version);
        var updated = Assert.Single(after.Rows);
        Assert.Equal(SiloStatus.Active, updated.Entry.Status);
        Assert.NotEqual(row.ETag, updated.ETag);
    }

    [Fact]
    public async Task UpdateWithAStaleRowEtagFailsAndLeavesTheVersion()
    {
        var table = await InitializedTableAsync();
        Assert.True(await table.InsertRowAsync(Entry(1), (await table.ReadAllAsync()).Version.Next()));
        var first = await table.ReadAllAsync();
        var staleRowEtag = Assert.Single(first.Rows).ETag;
        Assert.True(await table.UpdateRowAsync(Entry(1, SiloStatus.Active), staleRowEtag, first.Version.Next()));
        var current = await table.ReadAllAsync();

        Assert.False(await table.UpdateRowAsync(Entry(1, SiloStatus.Dead), staleRowEtag, current.Version.Next()));

        var after = await table.ReadAllAsync();
        Assert.Equal(current.Version, after.Version);
        Assert.Equal(SiloStatus.Active, Assert.Single(after.Rows).Entry.Status);
    }

    [Fact]
    public async Task UpdateWithAStaleVersionEtagFailsAndLeavesTheRow()
    {
        var table = await InitializedTableAsync();
        Assert.True(await table.InsertRowAsync(Entry(1), (await table.ReadAllAsync()).Version.Next()));
        var stale = await table.ReadAllAsync();
        Assert.True(await table.InsertRowAsync(Entry(2), stale.Version.Next()));

        Assert.False(await table.UpdateRowAsync(Entry(1, SiloStatus.Dead), stale.Find(Silo(1))!.ETag, stale.Version.Next()));

        var after = await table.ReadAllAsync();
        Assert.Equal(2, after.Version.Version);
        Assert.Equal(SiloStatus.Joining, after.Find(Silo(1))!.Entry.Status);
    }

    [Fact]
    public async Task UpdatingAMissingSiloFails()
    {
        var table = await InitializedTableAsync();
        var version = (await table.ReadAllAsync()).Version;

        Assert.False(await table.UpdateRowAsync(Entry(1), "1", version.Next()));

        Assert.Equal(version, (await table.ReadAllAsync()).Version);
    }

    [Fact]
    public async Task IAmAliveChangesNeitherTheVersionNorTheRowEtag()
    {
        var table = await InitializedTableAsync();
        Assert.True(await table.InsertRowAsync(Entry(1), (await table.ReadAllAsync()).Version.Next()));
        var before = await table.ReadAllAsync();

        await table.UpdateIAmAliveAsync(Silo(1), Start.AddMinutes(5));

        var after = await table.ReadAllAsync();
        Assert.Equal(before.Version, after.Version);
        var row = Assert.Single(after.Rows);
        Assert.Equal(before.Rows[0].ETag, row.ETag);
        Assert.Equal(Start.AddMinutes(5), row.Entry.IAmAliveTime);
    }

    [Fact]
    public async Task CleanupRemovesOnlyDeadRowsLastAliveBeforeTheDate()
    {
        var table = await InitializedTableAsync();
        await InsertAsync(table, Entry(1, SiloStatus.Dead) with { IAmAliveTime = Start.AddMinutes(-10) });
        await InsertAsync(table, Entry(2, SiloStatus.Dead) with { IAmAliveTime = Start.AddMinutes(10) });
        await InsertAsync(table, Entry(3, SiloStatus.Active) with { IAmAliveTime = Start.AddMinutes(-10) });
        var before = await table.ReadAllAsync();

        await table.CleanupDefunctSiloEntriesAsync(Start);

        var after = await table.ReadAllAsync();
        Assert.Equal([Silo(2), Silo(3)], after.Rows.Select(row => row.Entry.SiloAddress).OrderBy(silo => silo.Endpoint.Port));
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task ClustersAreIsolated()
    {
        var table = await InitializedTableAsync();
        await InsertAsync(table, Entry(1));
        var other = _scope.Track(new PostgresMembershipTable(_scope.Options, _scope.Id + "-other", NullLoggerFactory.Instance));
        await other.InitializeAsync();

        var otherSnapshot = await other.ReadAllAsync();

        Assert.Empty(otherSnapshot.Rows);
        Assert.Equal(0, otherSnapshot.Version.Version);
    }

    private PostgresMembershipTable NewTable() => _scope.Track(new PostgresMembershipTable(_scope.Options, _scope.Id, NullLoggerFactory.Instance));

    private async Task<PostgresMembershipTable> InitializedTableAsync()
    {
        var table = NewTable();
        await table.InitializeAsync();
        return table;
    }

    private static async Task InsertAsync(PostgresMembershipTable table, MembershipEntry entry)
        => Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));

    private static SiloAddress Silo(int port) => new(new IPEndPoint(IPAddress.Loopback, port), 1000);

    private static MembershipEntry Entry(int port, SiloStatus status = SiloStatus.Joining) => new()
    {
        SiloAddress = Silo(port),
        Status = status,
        SiloName = $"silo-{port}",
        HostName = "host-a",
        GatewayPort = 30000 + port,
        StartTime = Start,
        IAmAliveTime = Start.AddSeconds(1),
    };

    private static void AssertSameEntry(MembershipEntry expected, MembershipEntry actual)
    {
        Assert.Equal(expected.SiloAddress, actual.SiloAddress);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.SiloName, actual.SiloName);
        Assert.Equal(expected.HostName, actual.HostName);
        Assert.Equal(expected.GatewayPort, actual.GatewayPort);
        Assert.Equal(expected.StartTime, actual.StartTime);
        Assert.Equal(expected.IAmAliveTime, actual.IAmAliveTime);
        Assert.Equal(expected.SuspectVotes, actual.SuspectVotes);
        Assert.Equal(expected.Metadata.OrderBy(pair => pair.Key), actual.Metadata.OrderBy(pair => pair.Key));
    }
}
