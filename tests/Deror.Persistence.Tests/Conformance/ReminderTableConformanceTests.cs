using Deror.Runtime;

namespace Deror.Persistence.Tests.Conformance;

/// <summary>
/// The behaviour every <see cref="IReminderTable"/> provider must show. Subclasses supply the provider; each test
/// gets a fresh, empty table.
/// </summary>
public abstract class ReminderTableConformanceTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly GrainId GrainA = TestGrains.Create("reminders-a");
    private static readonly GrainId GrainB = TestGrains.Create("reminders-b");

    // Lazy (thread-safe): tests that race their first calls must all get the one instance.
    private readonly Lazy<IReminderTable> _table;

    protected IReminderTable Table => _table.Value;

    protected ReminderTableConformanceTests()
    {
        _table = new Lazy<IReminderTable>(() => CreateTable());
    }

    /// <summary>A provider over an empty table; called at most once per test.</summary>
    protected abstract IReminderTable CreateTable();

    [Fact]
    public async Task ReadingMissingRowsReturnsNothing()
    {
        Assert.Null(await Table.ReadRowAsync(GrainA, "tick"));
        Assert.Empty(await Table.ReadRowsAsync(GrainA));
    }

    [Fact]
    public async Task UpsertedRowReadsBackWithItsEtag()
    {
        var entry = new ReminderEntry(GrainA, "tick", Start.AddTicks(1234567), TimeSpan.FromSeconds(90) + TimeSpan.FromTicks(3));

        var etag = await Table.UpsertRowAsync(entry);

        Assert.Equal(entry with { ETag = etag }, await Table.ReadRowAsync(GrainA, "tick"));
    }

    [Fact]
    public async Task StartTimeInAnyOffsetReadsBackAsTheSameInstant()
    {
        var startInOtherOffset = new DateTimeOffset(2030, 1, 2, 8, 4, 5, TimeSpan.FromHours(5));

        await Table.UpsertRowAsync(new ReminderEntry(GrainA, "tick", startInOtherOffset, TimeSpan.FromMinutes(1)));

        Assert.Equal(startInOtherOffset.UtcTicks, (await Table.ReadRowAsync(GrainA, "tick"))!.StartAt.UtcTicks);
    }

    [Fact]
    public async Task UpsertReplacesTheRowAndChangesItsEtag()
    {
        var first = await Table.UpsertRowAsync(new ReminderEntry(GrainA, "tick", Start, TimeSpan.FromMinutes(1)));
        var replacement = new ReminderEntry(GrainA, "tick", Start.AddHours(1), TimeSpan.FromMinutes(5));

        var second = await Table.UpsertRowAsync(replacement);

        Assert.NotEqual(first, second);
        Assert.Equal(replacement with { ETag = second }, await Table.ReadRowAsync(GrainA, "tick"));
        Assert.Single(await Table.ReadRowsAsync(GrainA));
    }

    [Fact]
    public async Task ReadingByGrainReturnsOnlyThatGrainsRows()
    {
        var tick = await Table.UpsertRowAsync(new ReminderEntry(GrainA, "tick", Start, TimeSpan.FromMinutes(1)));
        var tock = await Table.UpsertRowAsync(new ReminderEntry(GrainA, "tock", Start, TimeSpan.FromMinutes(2)));
        await Table.UpsertRowAsync(new ReminderEntry(GrainB, "tick", Start, TimeSpan.FromMinutes(3)));

        var rows = await Table.ReadRowsAsync(GrainA);

        Assert.Equal(
            [new ReminderEntry(GrainA, "tick", Start, TimeSpan.FromMinutes(1), tick), new ReminderEntry(GrainA, "tock", Start, TimeSpan.FromMinutes(2), tock)],
            rows.OrderBy(row => row.ReminderName, StringComparer.Ordinal));
    }

    [Fact]
    public async Task RemoveWithTheCurrentEtagDeletesTheRow()
    {
        var etag = await Table.UpsertRowAsync(new ReminderEntry(GrainA, "tick", Start, TimeSpan.FromMinutes(1)));
        await Table.UpsertRowAsync(new ReminderEntry(GrainA, "tock", Start, TimeSpan.FromMinutes(1)));

        Assert.True(await Table.RemoveRowAsync(GrainA, "tick", etag));

        Assert.Null(await Table.ReadRowAsync(GrainA, "tick"));
        Assert.NotNull(await Table.ReadRowAsync(GrainA, "tock"));
    }

    [Fact]
    public async Task RemoveWithAStaleEtagKeepsTheRow()
    {
        var stale = await Table.UpsertRowAsync(new ReminderEntry(GrainA, "tick", Start, TimeSpan.FromMinutes(1)));
        var current = await Table.UpsertRowAsync(new ReminderEntry(GrainA, "tick", Start, TimeSpan.FromMinutes(2)));

        Assert.False(await Table.RemoveRowAsync(GrainA, "tick", stale));
        Assert.False(await Table.RemoveRowAsync(GrainA, "tick", "not-an-etag"));

        Assert.Equal(current, (await Table.ReadRowAsync(GrainA, "tick"))!.ETag);
    }

    [Fact]
    public async Task RemovingAMissingRowReturnsFalse()
    {
        var etag = await Table.UpsertRowAsync(new ReminderEntry(GrainA, "tick", Start, TimeSpan.FromMinutes(1)));

        Assert.False(await Table.RemoveRowAsync(GrainB, "tick", etag));
        Assert.True(await Table.RemoveRowAsync(GrainA, "tick", etag));
        Assert.False(await Table.RemoveRowAsync(GrainA, "tick", etag));
    }

    [Fact]
    public async Task AnEtagFromBeforeRemoveDoesNotMatchTheReRegisteredRow()
    {
        var old = await Table.UpsertRowAsync(new ReminderEntry(GrainA, "tick", Start, TimeSpan.FromMinutes(1)));
        Assert.True(await Table.RemoveRowAsync(GrainA, "tick", old));
        await Table.UpsertRowAsync(new ReminderEntry(GrainA, "tick", Start, TimeSpan.FromMinutes(1)));

        Assert.False(await Table.RemoveRowAsync(GrainA, "tick", old));
        Assert.NotNull(await Table.ReadRowAsync(GrainA, "tick"));
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
    public async Task RangeReadReturnsExactlyTheRowsWhoseHashIsInTheRange(string rangeCase)
    {
        var grains = TestGrains.OrderedByHash(40);
        var stored = new List<ReminderEntry>();
        // A second row on some grains: a range read returns every row of a grain in range.
        foreach (var (grain, name) in grains.Select(grain => (grain, "tick")).Concat(grains.Where((_, i) => i % 3 == 0).Select(grain => (grain, "tock"))))
        {
            var entry = new ReminderEntry(grain, name, Start, TimeSpan.FromMinutes(1));
            stored.Add(entry with { ETag = await Table.UpsertRowAsync(entry) });
        }
        var (begin, end) = TestGrains.Range(rangeCase, grains.Select(grain => grain.GetUniformHashCode()).ToArray());

        var rows = await Table.ReadRowsAsync(begin, end);

        Assert.Equal(
            stored.Where(row => RingRange.Contains(begin, end, row.GrainHash)).OrderBy(RowKey, StringComparer.Ordinal),
            rows.OrderBy(RowKey, StringComparer.Ordinal));
    }

    private static string RowKey(ReminderEntry row) => $"{row.GrainId}#{row.ReminderName}";
}
