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
        // A group locks the counter rows of all its streams until it commits: two groups taking them in opposite
        // orders would deadlock. The appenders of one instance are spread over the streams, so its groups mix them.
        const int Instances = 4;
        const int Appenders = 32;
        const int AppendsEach = 25;
        var stores = Enumerable.Range(0, Instances).Select(_ => Store(_scope.Id)).ToArray();
        var streams = new[] { "a", "b", "c", "d" };

        await TestGrains.RaceAsync(Appenders, async i =>
        {
            for (var n = 0; n < AppendsEach; n++)
            {
                var stream = streams[((i / Instances) + n) % streams.Length];
                await stores[i % Instances].AppendAsync(stream, [new NewEvent("e", $"appender-{i}", DateTimeOffset.UnixEpoch, "{}")]);
            }
            return i;
        });

        var reader = Store(_scope.Id);
        long total = 0;
        foreach (var stream in streams)
        {
            var last = await reader.GetLastSequenceAsync(stream);
            Assert.Equal(Enumerable.Range(1, (int)last).Select(s => (long)s), (await reader.ReadAsync(stream, 0, 1000)).Select(e => e.Sequence));
            total += last;
        }
        Assert.Equal(Appenders * AppendsEach, total);
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
