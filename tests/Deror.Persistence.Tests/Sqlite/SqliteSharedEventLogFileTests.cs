using Deror.Persistence.Sqlite;
using Deror.Persistence.Tests.Conformance;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Persistence.Tests.Sqlite;

/// <summary>
/// The event log on one SQLite file shared by independent instances, as silo processes on one machine share it:
/// appends through both stay gapless and in order, clusters keep their streams apart, and an older file is upgraded.
/// </summary>
public sealed class SqliteSharedEventLogFileTests : IDisposable
{
    private readonly TemporarySqliteFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task AppendsInterleavedThroughTwoInstancesStayGaplessForAReaderOnEither()
    {
        var first = Store(_file.Options);
        var second = Store(_file.SeparateConnectionOptions);

        await EventLogRace.AppendWhileFollowingAsync([first, second], second, "tasks", appenders: 10, eventsEach: 40);

        Assert.Equal(401, await first.AppendAsync("tasks", [new NewEvent("after", "s", DateTimeOffset.UnixEpoch, "{}")]));
        Assert.Equal(402, await second.AppendAsync("tasks", [new NewEvent("after", "s", DateTimeOffset.UnixEpoch, "{}")]));
    }

    [Fact]
    public async Task ClustersOnOneFileHaveTheirOwnStreams()
    {
        var blue = Store(_file.Options, "blue");
        var green = Store(_file.Options, "green");

        await blue.AppendAsync("tasks", [new NewEvent("e", "s", DateTimeOffset.UnixEpoch, "blue")]);

        Assert.Equal(0, await green.GetLastSequenceAsync("tasks"));
        Assert.Empty(await green.ReadAsync("tasks", 0, 10));
        Assert.Equal(1, await green.AppendAsync("tasks", [new NewEvent("e", "s", DateTimeOffset.UnixEpoch, "green")]));
        Assert.Equal("blue", Assert.Single(await blue.ReadAsync("tasks", 0, 10)).Data);
    }

    [Fact]
    public async Task AGroupThatCannotCommitFailsItsCallersAndAppendsNothing()
    {
        var store = Store(new SqliteStorageOptions { DatabasePath = _file.Path, BusyTimeout = TimeSpan.FromMilliseconds(200) });
        await store.AppendAsync("tasks", [Event("before")]);
        await using (var blocker = new SqliteConnection($"Data Source={_file.Path};Pooling=False"))
        {
            // Another process holding the write lock past the busy timeout.
            await blocker.OpenAsync();
            using var transaction = blocker.BeginTransaction(deferred: false);

            var failures = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => Assert.ThrowsAsync<SqliteException>(() => store.AppendAsync("tasks", [Event($"lost-{i}")]))));

            Assert.All(failures, failure => Assert.Equal(5, failure.SqliteErrorCode)); // SQLITE_BUSY
        }

        Assert.Equal(2, await store.AppendAsync("tasks", [Event("after")]));
        Assert.Equal(["before", "after"], (await store.ReadAsync("tasks", 0, 10)).Select(e => e.Data));
    }

    [Fact]
    public async Task DisposingCommitsWhatIsQueuedAndRefusesLaterAppends()
    {
        var store = new SqliteEventLogStore(_file.Options, "shared", NullLoggerFactory.Instance);
        var queued = Enumerable.Range(0, 50).Select(i => store.AppendAsync("tasks", [Event($"{i}")])).ToArray();

        store.Dispose();

        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i).Order(), (await Task.WhenAll(queued)).Order());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.AppendAsync("tasks", [Event("late")]));
        Assert.Equal(50, await Store(_file.Options).GetLastSequenceAsync("tasks"));
    }

    [Fact]
    public async Task AVersionTwoFileGetsTheEventLogTables()
    {
        var before = Store(_file.Options);
        await before.GetLastSequenceAsync("tasks");
        await using (var connection = new SqliteConnection($"Data Source={_file.Path};Pooling=False"))
        {
            await connection.OpenAsync();
            using var downgrade = connection.CreateCommand();
            downgrade.CommandText = "DROP TABLE deror_events; DROP TABLE deror_event_streams; UPDATE deror_schema SET version = 2;";
            await downgrade.ExecuteNonQueryAsync();
        }

        var after = Store(_file.SeparateConnectionOptions);

        Assert.Equal(1, await after.AppendAsync("tasks", [new NewEvent("e", "s", DateTimeOffset.UnixEpoch, "{}")]));
        Assert.Single(await after.ReadAsync("tasks", 0, 10));
    }

    private static NewEvent Event(string data) => new("e", "s", DateTimeOffset.UnixEpoch, data);

    private SqliteEventLogStore Store(SqliteStorageOptions options, string clusterId = "shared")
        => _file.Track(new SqliteEventLogStore(options, clusterId, NullLoggerFactory.Instance));
}
