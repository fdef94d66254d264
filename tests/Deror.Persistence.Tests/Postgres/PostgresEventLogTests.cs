using Deror.Persistence.Postgres;
using Deror.Persistence.Tests.Conformance;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Persistence.Tests.Postgres;

/// <summary>
/// The event log with several store instances (several silos, each with its own pool) appending to one stream at
/// once: the per-stream counter row makes commit order sequence order, so a follower never skips an event.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresEventLogTests : IDisposable
{
    private readonly PostgresTestScope _scope;

    public PostgresEventLogTests(PostgresServerFixture server) => _scope = new PostgresTestScope(server);

    public void Dispose() => _scope.Dispose();

    [Fact]
    public async Task AReaderFollowingAppendersOnThreeInstancesNeverMissesAnEvent()
    {
        var stores = Enumerable.Range(0, 3).Select(_ => Store(_scope.Id)).ToArray();

        await EventLogRace.AppendWhileFollowingAsync(stores, Store(_scope.Id), "tasks", appenders: 12, eventsEach: 40);
    }

    [Fact]
    public async Task GroupsOverSeveralStreamsFromSeveralInstancesDoNotDeadlock()
    {
        // Each group locks the counter rows of its streams; opposite orders in two groups would deadlock.
        var stores = new[] { Store(_scope.Id), Store(_scope.Id) };
        var streams = new[] { "a", "b", "c" };

        await TestGrains.RaceAsync(24, async i =>
        {
            for (var n = 0; n < 20; n++)
            {
                var stream = streams[(i + (i % 2 == 0 ? n : streams.Length - (n % streams.Length))) % streams.Length];
                await stores[i % 2].AppendAsync(stream, [new NewEvent("e", $"appender-{i}", DateTimeOffset.UnixEpoch, "{}")]);
            }
            return i;
        });

        var reader = Store(_scope.Id);
        var counts = await Task.WhenAll(streams.Select(stream => reader.GetLastSequenceAsync(stream)));
        Assert.Equal(24 * 20, counts.Sum());
        foreach (var stream in streams)
        {
            var last = await reader.GetLastSequenceAsync(stream);
            Assert.Equal(Enumerable.Range(1, (int)last).Select(s => (long)s), (await reader.ReadAsync(stream, 0, 1000)).Select(e => e.Sequence));
        }
    }

    [Fact]
    public async Task ClustersKeepTheirStreamsApart()
    {
        var blue = Store($"{_scope.Id}-blue");
        var green = Store($"{_scope.Id}-green");

        await blue.AppendAsync("tasks", [new NewEvent("e", "s", DateTimeOffset.UnixEpoch, "blue")]);

        Assert.Equal(0, await green.GetLastSequenceAsync("tasks"));
        Assert.Equal(1, await green.AppendAsync("tasks", [new NewEvent("e", "s", DateTimeOffset.UnixEpoch, "green")]));
        Assert.Equal("blue", Assert.Single(await blue.ReadAsync("tasks", 0, 10)).Data);
    }

    private PostgresEventLogStore Store(string clusterId) => _scope.Track(new PostgresEventLogStore(_scope.Options, clusterId, NullLoggerFactory.Instance));
}
