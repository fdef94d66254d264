using System.Net;
using Deror.Persistence.Redis;
using Deror.Persistence.Tests.Conformance;
using Deror.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Persistence.Tests.Redis;

/// <summary>The membership protocol on Redis: every change is a compare-and-swap on the table version; each test uses its own cluster.</summary>
public sealed class RedisMembershipTableTests
{
    private static readonly DateTimeOffset Now = new(2030, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private readonly RedisMembershipTable _table = new(RedisServerFixture.Shared.Connection, RedisServerFixture.UniqueId(), NullLoggerFactory.Instance);

    [Fact]
    public async Task RacingInitializationsCreateOneVersionRowAtZero()
    {
        await TestGrains.RaceAsync(10, async _ =>
        {
            await _table.InitializeAsync();
            return true;
        });
        var first = await _table.ReadAllAsync();

        await _table.InitializeAsync();

        var second = await _table.ReadAllAsync();
        Assert.Empty(second.Rows);
        Assert.Equal(0, second.Version.Version);
        Assert.NotEmpty(second.Version.ETag);
        Assert.Equal(first.Version, second.Version);
    }

    [Fact]
    public async Task TwentyParallelInsertsOfOneRowHaveExactlyOneWinner()
    {
        await _table.InitializeAsync();
        var version = (await _table.ReadAllAsync()).Version;
        var silo = Silo(1);

        var results = await TestGrains.RaceAsync(20, i => _table.InsertRowAsync(Entry(silo) with { SiloName = $"racer-{i}" }, version.Next()));

        var winner = Assert.Single(results.Select((won, i) => (won, i)), result => result.won).i;
        var snapshot = await _table.ReadAllAsync();
        Assert.Equal($"racer-{winner}", Assert.Single(snapshot.Rows).Entry.SiloName);
        Assert.Equal(1, snapshot.Version.Version);
    }

    [Fact]
    public async Task NineteenConcurrentCasUpdatesAllLandAndReachVersionTwenty()
    {
        await _table.InitializeAsync();
        var silo = Silo(1);
        Assert.True(await _table.InsertRowAsync(Entry(silo), (await _table.ReadAllAsync()).Version.Next()));

        // Each updater retries read-then-CAS until its own vote lands, as the membership service does.
        var attempts = await TestGrains.RaceAsync(19, async i =>
        {
            for (var attempt = 1; ; attempt++)
            {
                var snapshot = await _table.ReadAllAsync();
                var row = snapshot.Find(silo)!;
                var voted = row.Entry with { SuspectVotes = [.. row.Entry.SuspectVotes, new SuspectVote(Silo(100 + i), Now)] };
                if (await _table.UpdateRowAsync(voted, row.ETag, snapshot.Version.Next()))
                {
                    return attempt;
                }
            }
        });

        var final = await _table.ReadAllAsync();
        Assert.Equal(20, final.Version.Version);
        Assert.Equal(Enumerable.Range(0, 19).Select(i => Silo(100 + i)).Order(SiloComparer.Instance), Assert.Single(final.Rows).Entry.SuspectVotes.Select(vote => vote.Suspecter).Order(SiloComparer.Instance));
        Assert.Contains(attempts, attempt => attempt > 1);
    }

    [Fact]
    public async Task AWriteWithAStaleVersionIsRejected()
    {
        await _table.InitializeAsync();
        var stale = (await _table.ReadAllAsync()).Version;
        Assert.True(await _table.InsertRowAsync(Entry(Silo(1)), stale.Next()));

        Assert.False(await _table.InsertRowAsync(Entry(Silo(2)), stale.Next()));
        var row = (await _table.ReadAllAsync()).Find(Silo(1))!;
        Assert.False(await _table.UpdateRowAsync(row.Entry with { Status = SiloStatus.Active }, row.ETag, stale.Next()));

        var snapshot = await _table.ReadAllAsync();
        Assert.Equal(SiloStatus.Joining, Assert.Single(snapshot.Rows).Entry.Status);
        Assert.Equal(1, snapshot.Version.Version);
    }

    [Fact]
    public async Task AnUpdateWithAStaleRowEtagIsRejected()
    {
        await _table.InitializeAsync();
        Assert.True(await _table.InsertRowAsync(Entry(Silo(1)), (await _table.ReadAllAsync()).Version.Next()));
        var first = await _table.ReadAllAsync();
        var staleRowEtag = first.Find(Silo(1))!.ETag;
        Assert.True(await _table.UpdateRowAsync(Entry(Silo(1)) with { Status = SiloStatus.Active }, staleRowEtag, first.Version.Next()));
        var second = await _table.ReadAllAsync();

        Assert.False(await _table.UpdateRowAsync(Entry(Silo(1)) with { Status = SiloStatus.Dead }, staleRowEtag, second.Version.Next()));
        Assert.False(await _table.UpdateRowAsync(Entry(Silo(2)) with { Status = SiloStatus.Dead }, staleRowEtag, second.Version.Next()));

        var third = await _table.ReadAllAsync();
        Assert.Equal(SiloStatus.Active, Assert.Single(third.Rows).Entry.Status);
        Assert.Equal(second.Version, third.Version);
        Assert.NotEqual(staleRowEtag, third.Find(Silo(1))!.ETag);
    }

    [Fact]
    public async Task RowsReadBackWithEveryField()
    {
        await _table.InitializeAsync();
        var entry = Entry(Silo(1)) with
        {
            Status = SiloStatus.Active,
            HostName = "host-\u00e9",
            GatewayPort = 30001,
            StartTime = new DateTimeOffset(2030, 3, 4, 8, 0, 0, TimeSpan.FromHours(3)),
            SuspectVotes = [new SuspectVote(Silo(2), Now.AddTicks(17))],
            Metadata = new Dictionary<string, string> { ["exo-node"] = "node-7", ["quote"] = "\"" },
        };

        Assert.True(await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next()));

        var stored = Assert.Single((await _table.ReadAllAsync()).Rows).Entry;
        Assert.Equal(entry with { SuspectVotes = stored.SuspectVotes, Metadata = stored.Metadata }, stored);
        Assert.Equal(entry.SuspectVotes, stored.SuspectVotes);
        Assert.Equal(entry.Metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal), stored.Metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task IAmAliveChangesNeitherTheVersionNorTheRowEtag()
    {
        await _table.InitializeAsync();
        Assert.True(await _table.InsertRowAsync(Entry(Silo(1)), (await _table.ReadAllAsync()).Version.Next()));
        var before = await _table.ReadAllAsync();

        await _table.UpdateIAmAliveAsync(Silo(1), Now.AddMinutes(1));

        var after = await _table.ReadAllAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Find(Silo(1))!.ETag, after.Find(Silo(1))!.ETag);
        Assert.Equal(Now.AddMinutes(1), after.Find(Silo(1))!.Entry.IAmAliveTime);
    }

    [Fact]
    public async Task AnUpdateRacingIAmAlivesStillLands()
    {
        await _table.InitializeAsync();
        Assert.True(await _table.InsertRowAsync(Entry(Silo(1)), (await _table.ReadAllAsync()).Version.Next()));
        var snapshot = await _table.ReadAllAsync();
        using var stop = new CancellationTokenSource();
        var heartbeats = Task.Run(async () =>
        {
            for (var i = 1; !stop.IsCancellationRequested; i++)
            {
                await _table.UpdateIAmAliveAsync(Silo(1), Now.AddSeconds(i));
            }
        });

        var updated = await _table.UpdateRowAsync(Entry(Silo(1)) with { Status = SiloStatus.Active }, snapshot.Find(Silo(1))!.ETag, snapshot.Version.Next());
        await stop.CancelAsync();
        await heartbeats;

        Assert.True(updated);
        Assert.Equal(SiloStatus.Active, (await _table.ReadAllAsync()).Find(Silo(1))!.Entry.Status);
    }

    [Fact]
    public async Task CleanupRemovesOnlyDeadRowsLastAliveBeforeTheDate()
    {
        await _table.InitializeAsync();
        var rows = new[]
        {
            Entry(Silo(1)) with { Status = SiloStatus.Dead, IAmAliveTime = Now.AddHours(-2) },
            Entry(Silo(2)) with { Status = SiloStatus.Dead, IAmAliveTime = Now },
            Entry(Silo(3)) with { Status = SiloStatus.Active, IAmAliveTime = Now.AddHours(-2) },
        };
        foreach (var row in rows)
        {
            Assert.True(await _table.InsertRowAsync(row, (await _table.ReadAllAsync()).Version.Next()));
        }

        await _table.CleanupDefunctSiloEntriesAsync(Now.AddHours(-1));

        var snapshot = await _table.ReadAllAsync();
        Assert.Equal([Silo(2), Silo(3)], snapshot.Rows.Select(row => row.Entry.SiloAddress).Order(SiloComparer.Instance));
        Assert.Equal(3, snapshot.Version.Version);
    }

    private static SiloAddress Silo(int port) => new(new IPEndPoint(IPAddress.Loopback, 11000 + port), 1000);

    private static MembershipEntry Entry(SiloAddress silo) => new()
    {
        SiloAddress = silo,
        Status = SiloStatus.Joining,
        SiloName = "silo",
        HostName = "host",
        StartTime = Now,
        IAmAliveTime = Now,
    };

    private sealed class SiloComparer : IComparer<SiloAddress>
    {
        public static readonly SiloComparer Instance = new();

        public int Compare(SiloAddress? x, SiloAddress? y) => string.CompareOrdinal(x?.ToString(), y?.ToString());
    }
}
