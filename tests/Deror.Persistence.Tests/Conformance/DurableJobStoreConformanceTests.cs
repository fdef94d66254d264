using Deror.Runtime;

namespace Deror.Persistence.Tests.Conformance;

/// <summary>
/// The behaviour every <see cref="IDurableJobStore"/> provider must show. Subclasses supply the provider; each test
/// gets a fresh, empty store.
/// </summary>
public abstract class DurableJobStoreConformanceTests
{
    private static readonly DateTimeOffset Now = new(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly GrainId Target = TestGrains.Create("job-target");

    // Lazy (thread-safe): tests that race their first calls must all get the one instance.
    private readonly Lazy<IDurableJobStore> _store;

    protected IDurableJobStore Store => _store.Value;

    protected DurableJobStoreConformanceTests()
    {
        _store = new Lazy<IDurableJobStore>(() => CreateStore());
    }

    /// <summary>A provider over an empty store; called at most once per test.</summary>
    protected abstract IDurableJobStore CreateStore();

    [Fact]
    public async Task ReadingAMissingJobReturnsNull()
    {
        Assert.Null(await Store.ReadAsync("missing"));
    }

    [Fact]
    public async Task AddedJobReadsBackWithItsEtag()
    {
        var metadata = new Dictionary<string, string> { ["order"] = "42", ["note"] = "quotes \" and \u00e9 and \n" };
        var job = new DurableJobEntry("job-1", Target, "ship", Now.AddTicks(987654321), 2, metadata);

        var etag = await Store.AddAsync(job);

        AssertSameJob(job with { ETag = etag }, await Store.ReadAsync("job-1"));
    }

    [Fact]
    public async Task DueTimeInAnyOffsetReadsBackAsTheSameInstant()
    {
        var dueInOtherOffset = new DateTimeOffset(2030, 6, 1, 5, 0, 0, TimeSpan.FromHours(-7));

        await Store.AddAsync(Job("job-1", dueInOtherOffset));

        Assert.Equal(dueInOtherOffset.UtcTicks, (await Store.ReadAsync("job-1"))!.DueTime.UtcTicks);
    }

    [Fact]
    public async Task AddingADuplicateJobIdIsRejected()
    {
        var etag = await Store.AddAsync(Job("job-1", Now));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.AddAsync(Job("job-1", Now.AddDays(1)) with { JobName = "other" }));

        AssertSameJob(Job("job-1", Now) with { ETag = etag }, await Store.ReadAsync("job-1"));
    }

    [Fact]
    public async Task ChangingTheCallersMetadataAfterAddDoesNotChangeTheStoredJob()
    {
        var metadata = new Dictionary<string, string> { ["k"] = "v" };
        await Store.AddAsync(new DurableJobEntry("job-1", Target, "ship", Now, 0, metadata));

        metadata["k"] = "changed";

        Assert.Equal("v", (await Store.ReadAsync("job-1"))!.Metadata["k"]);
    }

    [Fact]
    public async Task ReadDueReturnsJobsDueAtOrBeforeTheGivenTime()
    {
        await Store.AddAsync(Job("early", Now.AddTicks(-1)));
        await Store.AddAsync(Job("exact", Now));
        await Store.AddAsync(Job("late", Now.AddTicks(1)));

        var due = await Store.ReadDueAsync(0, 0, Now, 100);

        Assert.Equal(["early", "exact"], due.Select(job => job.JobId));
    }

    [Fact]
    public async Task ReadDueReturnsTheEarliestJobsFirstUpToMaxCount()
    {
        var dueTimes = new[] { 5, 1, 4, 2, 3 }.Select(minutes => (Id: $"job-{minutes}", Due: Now.AddMinutes(-minutes)));
        foreach (var (id, due) in dueTimes)
        {
            await Store.AddAsync(Job(id, due));
        }

        Assert.Equal(["job-5", "job-4", "job-3"], (await Store.ReadDueAsync(0, 0, Now, 3)).Select(job => job.JobId));
        Assert.Equal(["job-5", "job-4", "job-3", "job-2", "job-1"], (await Store.ReadDueAsync(0, 0, Now, 10)).Select(job => job.JobId));
        Assert.Empty(await Store.ReadDueAsync(0, 0, Now, 0));
    }

    [Fact]
    public async Task ReadDueReturnsFullRowsWithEtags()
    {
        var job = new DurableJobEntry("job-1", Target, "ship", Now.AddSeconds(-1), 3, new Dictionary<string, string> { ["k"] = "v" });
        var etag = await Store.AddAsync(job);

        AssertSameJob(job with { ETag = etag }, Assert.Single(await Store.ReadDueAsync(0, 0, Now, 10)));
    }

    [Theory]
    [InlineData("inside")]
    [InlineData("wraps around zero")]
    [InlineData("whole ring at a stored hash")]
    [InlineData("whole ring at zero")]
    [InlineData("from zero")]
    [InlineData("up to max")]
    [InlineData("wraps from max")]
    [InlineData("single hash")]
    public async Task ReadDueReturnsExactlyTheJobsWhoseTargetHashIsInTheRange(string rangeCase)
    {
        var grains = TestGrains.OrderedByHash(40);
        foreach (var (grain, i) in grains.Select((grain, i) => (grain, i)))
        {
            await Store.AddAsync(Job($"job-{i:D2}", Now.AddSeconds(-i)) with { Target = grain });
        }
        var (begin, end) = TestGrains.Range(rangeCase, grains.Select(grain => grain.GetUniformHashCode()).ToArray());

        var due = await Store.ReadDueAsync(begin, end, Now, 100);

        var expected = grains
            .Select((grain, i) => (Id: $"job-{i:D2}", Hash: grain.GetUniformHashCode(), Index: i))
            .Where(job => RingRange.Contains(begin, end, job.Hash))
            .OrderByDescending(job => job.Index) // Job i is due i seconds ago: the highest index is the earliest.
            .Select(job => job.Id);
        Assert.Equal(expected, due.Select(job => job.JobId));
    }

    [Fact]
    public async Task RescheduleWithTheCurrentEtagMovesTheJob()
    {
        var job = Job("job-1", Now);
        var etag = await Store.AddAsync(job);

        var newEtag = await Store.RescheduleAsync("job-1", Now.AddMinutes(5), 1, etag);

        Assert.NotNull(newEtag);
        Assert.NotEqual(etag, newEtag);
        AssertSameJob(job with { DueTime = Now.AddMinutes(5), Attempt = 1, ETag = newEtag }, await Store.ReadAsync("job-1"));
        Assert.Empty(await Store.ReadDueAsync(0, 0, Now, 10));
    }

    [Fact]
    public async Task RescheduleWithAStaleEtagFailsAndKeepsTheJob()
    {
        var job = Job("job-1", Now);
        var stale = await Store.AddAsync(job);
        var current = await Store.RescheduleAsync("job-1", Now.AddMinutes(1), 1, stale);

        Assert.Null(await Store.RescheduleAsync("job-1", Now.AddMinutes(9), 2, stale));
        Assert.Null(await Store.RescheduleAsync("job-1", Now.AddMinutes(9), 2, "not-an-etag"));
        Assert.Null(await Store.RescheduleAsync("missing", Now.AddMinutes(9), 2, current!));

        AssertSameJob(job with { DueTime = Now.AddMinutes(1), Attempt = 1, ETag = current }, await Store.ReadAsync("job-1"));
    }

    [Fact]
    public async Task RemoveWithTheCurrentEtagDeletesTheJob()
    {
        var etag = await Store.AddAsync(Job("job-1", Now));

        Assert.True(await Store.RemoveAsync("job-1", etag));

        Assert.Null(await Store.ReadAsync("job-1"));
        Assert.False(await Store.RemoveAsync("job-1", etag));
    }

    [Fact]
    public async Task RemoveWithAStaleEtagFailsAndKeepsTheJob()
    {
        var stale = await Store.AddAsync(Job("job-1", Now));
        var current = await Store.RescheduleAsync("job-1", Now.AddMinutes(1), 1, stale);

        Assert.False(await Store.RemoveAsync("job-1", stale));
        Assert.False(await Store.RemoveAsync("job-1", "not-an-etag"));

        Assert.Equal(current, (await Store.ReadAsync("job-1"))!.ETag);
    }

    [Fact]
    public async Task TenConcurrentRemovesOfOneJobHaveExactlyOneWinner()
    {
        var etag = await Store.AddAsync(Job("job-1", Now));

        var removed = await TestGrains.RaceAsync(10, _ => Store.RemoveAsync("job-1", etag));

        Assert.Single(removed, result => result);
        Assert.Null(await Store.ReadAsync("job-1"));
    }

    [Fact]
    public async Task TenConcurrentReschedulesWithOneEtagHaveExactlyOneWinner()
    {
        var etag = await Store.AddAsync(Job("job-1", Now));

        var results = await TestGrains.RaceAsync(10, i => Store.RescheduleAsync("job-1", Now.AddMinutes(i + 1), i + 1, etag));

        var winner = Assert.Single(results, result => result is not null);
        var stored = await Store.ReadAsync("job-1");
        Assert.Equal(winner, stored!.ETag);
        Assert.Equal(Now.AddMinutes(stored.Attempt), stored.DueTime);
    }

    [Fact]
    public async Task ReadManyReturnsTheStoredJobsAmongTheIdsWithTheirEtags()
    {
        var first = Job("job-1", Now) with { ETag = await Store.AddAsync(Job("job-1", Now)) };
        var second = Job("job-2", Now.AddMinutes(1)) with { ETag = await Store.AddAsync(Job("job-2", Now.AddMinutes(1))) };
        await Store.AddAsync(Job("job-3", Now));

        var read = await Store.ReadManyAsync(["job-2", "missing", "job-1"]);

        Assert.Equal(["job-1", "job-2"], read.Select(job => job.JobId).Order(StringComparer.Ordinal));
        AssertSameJob(first, read.Single(job => job.JobId == "job-1"));
        AssertSameJob(second, read.Single(job => job.JobId == "job-2"));
        Assert.Empty(await Store.ReadManyAsync([]));
    }

    [Fact]
    public async Task RemoveManyRemovesExactlyTheJobsWhoseEtagStillMatches()
    {
        var current = await Store.AddAsync(Job("job-1", Now));
        var stale = await Store.AddAsync(Job("job-2", Now));
        var rescheduled = await Store.RescheduleAsync("job-2", Now.AddMinutes(1), 1, stale);
        var third = await Store.AddAsync(Job("job-3", Now));

        var removed = await Store.RemoveManyAsync([("job-1", current), ("job-2", stale), ("missing", current), ("job-3", "not-an-etag")]);

        Assert.Equal(["job-1"], removed);
        Assert.Null(await Store.ReadAsync("job-1"));
        Assert.Equal(rescheduled, (await Store.ReadAsync("job-2"))!.ETag);
        Assert.Equal(third, (await Store.ReadAsync("job-3"))!.ETag);
        Assert.Empty(await Store.RemoveManyAsync([]));
    }

    [Fact]
    public async Task ConcurrentRemoveManyCallsOverOneJobHaveExactlyOneWinner()
    {
        var etag = await Store.AddAsync(Job("job-1", Now));
        var other = await Store.AddAsync(Job("job-2", Now));

        var results = await TestGrains.RaceAsync(10, i => Store.RemoveManyAsync(i == 0 ? [("job-1", etag), ("job-2", other)] : [("job-1", etag)]));

        Assert.Single(results, removed => removed.Contains("job-1"));
        Assert.Empty(await Store.ReadManyAsync(["job-1", "job-2"]));
    }

    private static DurableJobEntry Job(string jobId, DateTimeOffset dueTime)
        => new(jobId, Target, "ship", dueTime, 0, new Dictionary<string, string> { ["order"] = jobId });

    private static void AssertSameJob(DurableJobEntry expected, DurableJobEntry? actual)
    {
        Assert.NotNull(actual);
        // The record's own equality compares Metadata by reference; compare it by content instead.
        Assert.Equal(expected with { Metadata = actual.Metadata }, actual);
        Assert.Equal(expected.Metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal), actual.Metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal));
    }
}
