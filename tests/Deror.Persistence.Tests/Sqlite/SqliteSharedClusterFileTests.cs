using Deror.Persistence.Sqlite;
using Deror.Persistence.Tests.Conformance;
using Deror.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Persistence.Tests.Sqlite;

/// <summary>
/// Membership and directory on one SQLite file shared by independent instances, as silo processes on one machine
/// share it: the compare-and-swaps hold across instances, and a file from before clustering is upgraded.
/// </summary>
public sealed class SqliteSharedClusterFileTests : IDisposable
{
    private const string ClusterId = "shared";
    private static readonly SiloAddress Silo = TestSilos.Address(11111);

    private readonly TemporarySqliteFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task TwentyParallelInsertsOfOneRowThroughTwoInstancesHaveExactlyOneWinner()
    {
        var tables = TwoTables();
        await tables[0].InitializeAsync();
        var read = await tables[1].ReadAllAsync();

        var results = await TestGrains.RaceAsync(20, i => tables[i % 2].InsertRowAsync(TestSilos.Entry(Silo) with { SiloName = $"racer-{i}" }, read.Version.Next()));

        var winner = Assert.Single(Enumerable.Range(0, 20), i => results[i]);
        var snapshot = await tables[winner % 2 == 0 ? 1 : 0].ReadAllAsync();
        Assert.Equal(1, snapshot.Version.Version);
        Assert.Equal($"racer-{winner}", Assert.Single(snapshot.Rows).Entry.SiloName);
    }

    [Fact]
    public async Task NineteenConcurrentCasUpdatesThroughTwoInstancesReachVersionTwenty()
    {
        var tables = TwoTables();
        await tables[0].InitializeAsync();
        Assert.True(await tables[0].InsertRowAsync(TestSilos.Entry(Silo), (await tables[0].ReadAllAsync()).Version.Next()));

        var succeeded = await TestGrains.RaceAsync(19, async i =>
        {
            var table = tables[i % 2];
            while (true)
            {
                var snapshot = await table.ReadAllAsync();
                var row = snapshot.Find(Silo)!;
                var voted = row.Entry with { SuspectVotes = [.. row.Entry.SuspectVotes, new SuspectVote(TestSilos.Address(21000 + i), TestSilos.Start)] };
                if (await table.UpdateRowAsync(voted, row.ETag, snapshot.Version.Next()))
                {
                    return true;
                }
            }
        });

        Assert.All(succeeded, Assert.True);
        var final = await tables[1].ReadAllAsync();
        Assert.Equal(20, final.Version.Version);
        Assert.Equal(19, final.Find(Silo)!.Entry.SuspectVotes.Select(vote => vote.Suspecter).Distinct().Count());
    }

    [Fact]
    public async Task TwentyParallelRegistrationsThroughTwoInstancesAllGetOneWinner()
    {
        var directories = new[]
        {
            _file.Track(new SqliteGrainDirectory(_file.Options, ClusterId, NullLoggerFactory.Instance)),
            _file.Track(new SqliteGrainDirectory(_file.SeparateConnectionOptions, ClusterId, NullLoggerFactory.Instance)),
        };
        var grain = TestGrains.Create("shared-directory");

        var results = await TestGrains.RaceAsync(20, i => directories[i % 2].RegisterAsync(new GrainAddress(grain, ActivationId.NewId(), TestSilos.Address(23000 + i), 1), previousAddress: null));

        Assert.Single(results.Distinct());
    }

    [Fact]
    public async Task AVersionOneFileIsUpgradedInPlaceKeepingItsData()
    {
        var grain = TestGrains.Create("before-upgrade");
        using (var storage = new SqliteGrainStorage(_file.Options, NullLoggerFactory.Instance))
        {
            await storage.WriteAsync("state", grain, new byte[] { 1 }, expectedEtag: null);
        }
        await using (var connection = await OpenRawAsync())
        {
            await ExecuteAsync(connection, """
                DROP TABLE deror_membership_version; DROP TABLE deror_membership; DROP TABLE deror_grain_directory;
                UPDATE deror_schema SET version = 1;
                """);
        }

        var table = _file.Track(new SqliteMembershipTable(_file.SeparateConnectionOptions, ClusterId, NullLoggerFactory.Instance));
        await table.InitializeAsync();
        Assert.True(await table.InsertRowAsync(TestSilos.Entry(Silo), (await table.ReadAllAsync()).Version.Next()));

        await using var check = await OpenRawAsync();
        Assert.Equal(3L, await ExecuteAsync(check, "SELECT version FROM deror_schema;"));
        Assert.Equal(1L, await ExecuteAsync(check, "SELECT COUNT(*) FROM deror_grain_state;"));
        Assert.Equal(0L, await ExecuteAsync(check, "SELECT COUNT(*) FROM deror_grain_directory;"));
    }

    private SqliteMembershipTable[] TwoTables() =>
    [
        _file.Track(new SqliteMembershipTable(_file.Options, ClusterId, NullLoggerFactory.Instance)),
        _file.Track(new SqliteMembershipTable(_file.SeparateConnectionOptions, ClusterId, NullLoggerFactory.Instance)),
    ];

    private async Task<SqliteConnection> OpenRawAsync()
    {
        var connection = new SqliteConnection($"Data Source={_file.Path};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<object?> ExecuteAsync(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
