using System.Globalization;

namespace Deror.Persistence.Tests.Conformance;

/// <summary>Concurrent appenders on one or more stores over one stream, with a reader following them.</summary>
internal static class EventLogRace
{
    /// <summary>
    /// <paramref name="appenders"/> callers (spread over <paramref name="stores"/>) each append <paramref name="eventsEach"/>
    /// single events while a reader on <paramref name="reader"/> follows with "after the last sequence seen". Asserts
    /// that the reader sees every sequence exactly once and in order (an event that became visible after a higher one
    /// would be skipped for good), and that each appender's events are in its own order. Returns what the reader saw.
    /// </summary>
    public static async Task<IReadOnlyList<EventRecord>> AppendWhileFollowingAsync(IReadOnlyList<IEventLogStore> stores, IEventLogStore reader, string stream, int appenders, int eventsEach)
    {
        var total = appenders * eventsEach;
        var appending = TestGrains.RaceAsync(appenders, async appender =>
        {
            var store = stores[appender % stores.Count];
            for (var i = 0; i < eventsEach; i++)
            {
                await store.AppendAsync(stream, [new NewEvent("appended", $"appender-{appender}", DateTimeOffset.UnixEpoch, i.ToString(CultureInfo.InvariantCulture))]);
            }
            return appender;
        });

        var seen = new List<EventRecord>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (seen.Count < total)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The reader saw {seen.Count} of {total} events.");
            var page = await reader.ReadAsync(stream, seen.Count == 0 ? 0 : seen[^1].Sequence, 37);
            foreach (var e in page)
            {
                Assert.Equal(seen.Count + 1, e.Sequence);
                seen.Add(e);
            }
            if (page.Count == 0)
            {
                // Nothing new yet: let the appenders run rather than spin.
                await Task.Yield();
            }
        }
        await appending;

        Assert.Empty(await reader.ReadAsync(stream, total, 10));
        Assert.Equal(total, await reader.GetLastSequenceAsync(stream));
        foreach (var byAppender in seen.GroupBy(e => e.Subject))
        {
            Assert.Equal(Enumerable.Range(0, eventsEach).Select(i => i.ToString(CultureInfo.InvariantCulture)), byAppender.Select(e => e.Data));
        }
        return seen;
    }
}
