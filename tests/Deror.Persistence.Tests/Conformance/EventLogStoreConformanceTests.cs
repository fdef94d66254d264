using System.Collections.Concurrent;
using System.Globalization;

namespace Deror.Persistence.Tests.Conformance;

/// <summary>
/// The guarantees every <see cref="IEventLogStore"/> provider must keep (see the contract's remarks). Subclasses
/// supply the provider; each test gets a fresh store with no streams.
/// </summary>
public abstract class EventLogStoreConformanceTests
{
    private static readonly DateTimeOffset Start = new(2030, 4, 5, 6, 7, 8, TimeSpan.Zero);

    // Lazy (thread-safe): tests that race their first calls must all get the one instance.
    private readonly Lazy<IEventLogStore> _store;

    protected IEventLogStore Store => _store.Value;

    protected EventLogStoreConformanceTests()
    {
        _store = new Lazy<IEventLogStore>(() => CreateStore());
    }

    /// <summary>A provider over empty streams; called at most once per test.</summary>
    protected abstract IEventLogStore CreateStore();

    [Fact]
    public async Task AnEmptyStreamHasLastSequenceZeroAndNoEvents()
    {
        Assert.Equal(0, await Store.GetLastSequenceAsync("tasks"));
        Assert.Empty(await Store.ReadAsync("tasks", afterSequence: 0, maxCount: 10));
    }

    [Fact]
    public async Task SequencesStartAtOneAndGrowByOne()
    {
        var returned = new List<long>();
        for (var i = 1; i <= 5; i++)
        {
            returned.Add(await Store.AppendAsync("tasks", [Event(i)]));
        }

        Assert.Equal([1, 2, 3, 4, 5], returned);
        Assert.Equal(5, await Store.GetLastSequenceAsync("tasks"));
        var events = await Store.ReadAsync("tasks", 0, 100);
        Assert.Equal([1, 2, 3, 4, 5], events.Select(e => e.Sequence));
        Assert.Equal(["1", "2", "3", "4", "5"], events.Select(e => e.Data));
    }

    [Fact]
    public async Task ABatchIsAppendedContiguouslyInItsOrder()
    {
        await Store.AppendAsync("tasks", [Event(0)]);

        var last = await Store.AppendAsync("tasks", [.. Enumerable.Range(1, 5).Select(Event)]);

        Assert.Equal(6, last);
        var events = await Store.ReadAsync("tasks", 1, 100);
        Assert.Equal([2, 3, 4, 5, 6], events.Select(e => e.Sequence));
        Assert.Equal(["1", "2", "3", "4", "5"], events.Select(e => e.Data));
    }

    [Fact]
    public async Task ReadingAfterASequencePagesByMaxCount()
    {
        await Store.AppendAsync("tasks", [.. Enumerable.Range(1, 10).Select(Event)]);

        Assert.Equal([4, 5, 6, 7], (await Store.ReadAsync("tasks", 3, 4)).Select(e => e.Sequence));
        Assert.Equal([8, 9, 10], (await Store.ReadAsync("tasks", 7, 4)).Select(e => e.Sequence));
        Assert.Empty(await Store.ReadAsync("tasks", 10, 4));
        Assert.Empty(await Store.ReadAsync("tasks", 3, 0));

        var paged = new List<long>();
        for (long after = 0; await Store.ReadAsync("tasks", after, 3) is { Count: > 0 } page; after = page[^1].Sequence)
        {
            paged.AddRange(page.Select(e => e.Sequence));
        }
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), paged);
    }

    [Fact]
    public async Task ConcurrentAppendersGetGaplessSequencesAndKeepTheirOwnOrder()
    {
        const int Appenders = 20;
        const int EventsEach = 50;
        var returned = new ConcurrentBag<(int Appender, long Last, int BatchSize, int LastIndex)>();

        await TestGrains.RaceAsync(Appenders, async appender =>
        {
            // Batches of 1, 2 and 3 events, so single events and batches race each other.
            for (var index = 0; index < EventsEach;)
            {
                var size = Math.Min(1 + (index % 3), EventsEach - index);
                var batch = Enumerable.Range(index, size).Select(i => new NewEvent("appended", $"appender-{appender}", Start, i.ToString(CultureInfo.InvariantCulture))).ToArray();
                returned.Add((appender, await Store.AppendAsync("tasks", batch), size, index + size - 1));
                index += size;
            }
            return appender;
        });

        var events = await ReadAllAsync("tasks");
        Assert.Equal(Enumerable.Range(1, Appenders * EventsEach).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(Appenders * EventsEach, await Store.GetLastSequenceAsync("tasks"));
        foreach (var byAppender in events.GroupBy(e => e.Subject))
        {
            Assert.Equal(Enumerable.Range(0, EventsEach).Select(i => i.ToString(CultureInfo.InvariantCulture)), byAppender.Select(e => e.Data));
        }
        foreach (var (appender, last, size, lastIndex) in returned)
        {
            // The returned sequence is that call's last event, and the call's events sit right before it.
            var own = events.Skip((int)last - size).Take(size).ToArray();
            Assert.All(own, e => Assert.Equal($"appender-{appender}", e.Subject));
            Assert.Equal(lastIndex.ToString(CultureInfo.InvariantCulture), own[^1].Data);
        }
    }

    [Fact]
    public async Task ConcurrentAppendsToSeveralStreamsKeepEachStreamGapless()
    {
        var lasts = await TestGrains.RaceAsync(24, async appender =>
        {
            var stream = $"stream-{appender % 4}";
            long last = 0;
            for (var i = 0; i < 10; i++)
            {
                last = await Store.AppendAsync(stream, [Event(i), Event(i)]);
            }
            return (stream, last);
        });

        for (var s = 0; s < 4; s++)
        {
            var stream = $"stream-{s}";
            Assert.Equal(Enumerable.Range(1, 120).Select(i => (long)i), (await ReadAllAsync(stream)).Select(e => e.Sequence));
            Assert.Equal(120, lasts.Where(l => l.stream == stream).Max(l => l.last));
        }
    }

    [Fact]
    public async Task AReaderFollowingConcurrentAppendersNeverMissesOrRepeatsAnEvent()
    {
        var seen = await EventLogRace.AppendWhileFollowingAsync([Store], Store, "tasks", appenders: 10, eventsEach: 50);

        Assert.Equal((await ReadAllAsync("tasks")).Select(e => (e.Subject, e.Data)), seen.Select(e => (e.Subject, e.Data)));
    }

    [Fact]
    public async Task StreamsAreIndependent()
    {
        await Store.AppendAsync("nodes", [Event(1), Event(2), Event(3)]);
        await Store.AppendAsync("tasks", [Event(10)]);
        await Store.AppendAsync("nodes", [Event(4)]);

        Assert.Equal(4, await Store.GetLastSequenceAsync("nodes"));
        Assert.Equal(1, await Store.GetLastSequenceAsync("tasks"));
        Assert.Equal(0, await Store.GetLastSequenceAsync("other"));
        Assert.Equal(["10"], (await Store.ReadAsync("tasks", 0, 10)).Select(e => e.Data));

        await Store.TrimAsync("nodes", 5);

        Assert.Empty(await Store.ReadAsync("nodes", 0, 10));
        Assert.Equal([1], (await Store.ReadAsync("tasks", 0, 10)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task TrimDeletesTheEventsBeforeTheSequenceOnly()
    {
        await Store.AppendAsync("tasks", [.. Enumerable.Range(1, 10).Select(Event)]);

        await Store.TrimAsync("tasks", 6);

        Assert.Equal([6, 7, 8, 9, 10], (await Store.ReadAsync("tasks", 0, 100)).Select(e => e.Sequence));
        Assert.Equal([8, 9, 10], (await Store.ReadAsync("tasks", 7, 100)).Select(e => e.Sequence));
        Assert.Equal(10, await Store.GetLastSequenceAsync("tasks"));

        await Store.TrimAsync("tasks", 3);
        Assert.Equal(5, (await Store.ReadAsync("tasks", 0, 100)).Count);

        await Store.TrimAsync("missing", 3);
        Assert.Equal(0, await Store.GetLastSequenceAsync("missing"));
    }

    [Fact]
    public async Task AppendsAfterATrimOfEverythingKeepNumbering()
    {
        await Store.AppendAsync("tasks", [.. Enumerable.Range(1, 5).Select(Event)]);
        await Store.TrimAsync("tasks", 100);
        Assert.Empty(await Store.ReadAsync("tasks", 0, 100));
        Assert.Equal(5, await Store.GetLastSequenceAsync("tasks"));

        Assert.Equal(6, await Store.AppendAsync("tasks", [Event(6)]));
        Assert.Equal(8, await Store.AppendAsync("tasks", [Event(7), Event(8)]));

        Assert.Equal([6, 7, 8], (await Store.ReadAsync("tasks", 0, 100)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task EventsRoundTripTheirFieldsWithTheTimestampInUtc()
    {
        var timestamp = new DateTimeOffset(2030, 4, 5, 11, 7, 8, TimeSpan.FromHours(5)).AddTicks(1_234_567);
        const string Data = """{"from":"Running","to":"Completed","note":"ünïcødé ✓, \"quoted\",\nnew line"}""";
        var appended = new NewEvent("task.completed", "task/42:attempt-1", timestamp, Data);

        await Store.AppendAsync("tasks", [appended, new NewEvent("empty", "", Start, "")]);

        var events = await Store.ReadAsync("tasks", 0, 10);
        var read = events[0];
        Assert.Equal((1L, "task.completed", "task/42:attempt-1", Data), (read.Sequence, read.Type, read.Subject, read.Data));
        Assert.Equal(TimeSpan.Zero, read.Timestamp.Offset);
        Assert.InRange(Math.Abs(read.Timestamp.UtcTicks - timestamp.UtcTicks), 0, TimeSpan.TicksPerMillisecond - 1);
        // Whole seconds, so exact at any precision of at least a millisecond.
        Assert.Equal(new EventRecord(2, "empty", "", Start, ""), events[1]);
    }

    [Fact]
    public async Task BadArgumentsAreRejectedBeforeAnythingIsAppended()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AppendAsync("tasks", []));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AppendAsync("", [Event(1)]));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AppendAsync("tasks", [Event(1), null!]));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AppendAsync("tasks", [new NewEvent("", "s", Start, "{}")]));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReadAsync("tasks", -1, 10));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReadAsync("tasks", 0, -1));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.TrimAsync(" ", 1));

        Assert.Equal(0, await Store.GetLastSequenceAsync("tasks"));
    }

    [Fact]
    public async Task AnAppendCanceledBeforeItStartsAppendsNothing()
    {
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.AppendAsync("tasks", [Event(1)], canceled.Token));

        Assert.Equal(1, await Store.AppendAsync("tasks", [Event(1)]));
    }

    private static NewEvent Event(int i) => new("test.event", "subject", Start, i.ToString(CultureInfo.InvariantCulture));

    private async Task<List<EventRecord>> ReadAllAsync(string stream)
    {
        var events = new List<EventRecord>();
        for (long after = 0; await Store.ReadAsync(stream, after, 250) is { Count: > 0 } page; after = page[^1].Sequence)
        {
            events.AddRange(page);
        }
        return events;
    }
}
