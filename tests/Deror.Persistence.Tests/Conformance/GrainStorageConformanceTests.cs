using Deror.Runtime;

namespace Deror.Persistence.Tests.Conformance;

/// <summary>
/// The behaviour every <see cref="IGrainStorage"/> provider must show. Subclasses supply the provider; each test
/// gets a fresh, empty store.
/// </summary>
public abstract class GrainStorageConformanceTests
{
    // Lazy (thread-safe): tests that race their first calls must all get the one instance.
    private readonly Lazy<IGrainStorage> _storage;

    protected IGrainStorage Storage => _storage.Value;

    protected GrainStorageConformanceTests()
    {
        _storage = new Lazy<IGrainStorage>(() => CreateStorage());
    }

    /// <summary>A provider over an empty store; called at most once per test.</summary>
    protected abstract IGrainStorage CreateStorage();

    private static readonly GrainId Grain = TestGrains.Create("state-1");

    [Fact]
    public async Task ReadingAMissingRecordReturnsNull()
    {
        Assert.Null(await Storage.ReadAsync("state", Grain));
    }

    [Fact]
    public async Task WriteWithNullEtagCreatesTheRecord()
    {
        var etag = await Storage.WriteAsync("state", Grain, new byte[] { 1, 2, 3 }, expectedEtag: null);

        var record = await Storage.ReadAsync("state", Grain);
        Assert.NotNull(record);
        Assert.Equal(new byte[] { 1, 2, 3 }, record.Data);
        Assert.Equal(etag, record.Etag);
    }

    [Fact]
    public async Task SecondCreateWithNullEtagConflicts()
    {
        var etag = await Storage.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync("state", Grain, new byte[] { 2 }, expectedEtag: null));

        Assert.Equal(etag, conflict.StoredEtag);
        Assert.Null(conflict.CurrentEtag);
        Assert.Equal(new byte[] { 1 }, (await Storage.ReadAsync("state", Grain))!.Data);
    }

    [Fact]
    public async Task WriteWithCurrentEtagReplacesDataAndChangesEtag()
    {
        var first = await Storage.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);

        var second = await Storage.WriteAsync("state", Grain, new byte[] { 2 }, first);

        Assert.NotEqual(first, second);
        Assert.Equal(new GrainStateRecord([2], second), await Storage.ReadAsync("state", Grain), RecordComparer.Instance);
    }

    [Fact]
    public async Task WriteWithStaleEtagThrowsCarryingStoredAndExpectedEtags()
    {
        var stale = await Storage.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);
        var current = await Storage.WriteAsync("state", Grain, new byte[] { 2 }, stale);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync("state", Grain, new byte[] { 3 }, stale));

        Assert.Equal(current, conflict.StoredEtag);
        Assert.Equal(stale, conflict.CurrentEtag);
        Assert.Equal(new GrainStateRecord([2], current), await Storage.ReadAsync("state", Grain), RecordComparer.Instance);
    }

    [Fact]
    public async Task WriteWithAnEtagWhenNoRecordExistsConflicts()
    {
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync("state", Grain, new byte[] { 1 }, "1"));

        Assert.Null(conflict.StoredEtag);
        Assert.Equal("1", conflict.CurrentEtag);
        Assert.Null(await Storage.ReadAsync("state", Grain));
    }

    [Fact]
    public async Task TwentyParallelWritesWithTheSameEtagHaveExactlyOneWinner()
    {
        var etag = await Storage.WriteAsync("state", Grain, new byte[] { 0 }, expectedEtag: null);

        var results = await TestGrains.RaceAsync(20, i => TryWriteAsync(Grain, [(byte)(i + 1)], etag));

        var winner = Assert.Single(results, result => result.Etag is not null);
        var stored = await Storage.ReadAsync("state", Grain);
        Assert.Equal(new GrainStateRecord(winner.Data, winner.Etag!), stored, RecordComparer.Instance);
        Assert.All(results.Where(result => result.Etag is null), loser => Assert.Equal(winner.Etag, loser.Conflict!.StoredEtag));
    }

    [Fact]
    public async Task ConcurrentWritersOfManyGrainsEachKeepTheirOwnEtagChainWhileAStaleWriterConflictsAlone()
    {
        // Providers may commit concurrent writes of different grains together: every writer must still get its own
        // etag, and a conflicting write among them must fail alone.
        var grains = Enumerable.Range(0, 40).Select(i => TestGrains.Create($"group-{i}")).ToArray();
        var stale = await Storage.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);
        var current = await Storage.WriteAsync("state", Grain, new byte[] { 2 }, stale);

        var staleWrite = TryWriteAsync(Grain, [3], stale);
        var chains = grains.Select(async (grain, i) =>
        {
            string? etag = null;
            for (var round = 0; round < 5; round++)
            {
                etag = await Storage.WriteAsync("state", grain, new byte[] { (byte)i, (byte)round }, etag);
            }
            return etag!;
        }).ToArray();
        var lastEtags = await Task.WhenAll(chains);

        Assert.Equal(current, (await staleWrite).Conflict!.StoredEtag);
        Assert.Equal(grains.Length, lastEtags.Distinct(StringComparer.Ordinal).Count());
        for (var i = 0; i < grains.Length; i++)
        {
            Assert.Equal(new GrainStateRecord([(byte)i, 4], lastEtags[i]), await Storage.ReadAsync("state", grains[i]), RecordComparer.Instance);
        }
        Assert.Equal(new GrainStateRecord([2], current), await Storage.ReadAsync("state", Grain), RecordComparer.Instance);
    }

    [Fact]
    public async Task TwentyParallelCreatesHaveExactlyOneWinner()
    {
        var results = await TestGrains.RaceAsync(20, i => TryWriteAsync(Grain, [(byte)(i + 1)], expectedEtag: null));

        var winner = Assert.Single(results, result => result.Etag is not null);
        Assert.Equal(new GrainStateRecord(winner.Data, winner.Etag!), await Storage.ReadAsync("state", Grain), RecordComparer.Instance);
    }

    [Fact]
    public async Task ClearWithCurrentEtagRemovesTheRecord()
    {
        var etag = await Storage.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);

        await Storage.ClearAsync("state", Grain, etag);

        Assert.Null(await Storage.ReadAsync("state", Grain));
    }

    [Fact]
    public async Task ClearingAMissingRecordWithNullEtagSucceeds()
    {
        await Storage.ClearAsync("state", Grain, expectedEtag: null);

        Assert.Null(await Storage.ReadAsync("state", Grain));
    }

    [Fact]
    public async Task ClearWithStaleEtagThrowsAndKeepsTheRecord()
    {
        var stale = await Storage.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);
        var current = await Storage.WriteAsync("state", Grain, new byte[] { 2 }, stale);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync("state", Grain, stale));

        Assert.Equal(current, conflict.StoredEtag);
        Assert.Equal(stale, conflict.CurrentEtag);
        Assert.Equal(current, (await Storage.ReadAsync("state", Grain))!.Etag);
    }

    [Fact]
    public async Task ClearWithNullEtagWhenARecordExistsThrows()
    {
        var etag = await Storage.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync("state", Grain, expectedEtag: null));

        Assert.Equal(etag, conflict.StoredEtag);
        Assert.NotNull(await Storage.ReadAsync("state", Grain));
    }

    [Fact]
    public async Task ClearWithAnEtagWhenNoRecordExistsThrows()
    {
        var etag = await Storage.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);
        await Storage.ClearAsync("state", Grain, etag);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync("state", Grain, etag));

        Assert.Null(conflict.StoredEtag);
        Assert.Equal(etag, conflict.CurrentEtag);
    }

    [Fact]
    public async Task AfterClearARecordIsCreatedAgainWithNullEtag()
    {
        var etag = await Storage.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);
        await Storage.ClearAsync("state", Grain, etag);

        var recreated = await Storage.WriteAsync("state", Grain, new byte[] { 2 }, expectedEtag: null);

        Assert.Equal(new GrainStateRecord([2], recreated), await Storage.ReadAsync("state", Grain), RecordComparer.Instance);
    }

    [Fact]
    public async Task AnEtagFromBeforeClearDoesNotMatchTheRecreatedRecord()
    {
        // A stale activation still holding the old etag must not overwrite a record created after the clear.
        var old = await Storage.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);
        await Storage.ClearAsync("state", Grain, old);
        await Storage.WriteAsync("state", Grain, new byte[] { 2 }, expectedEtag: null);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync("state", Grain, new byte[] { 3 }, old));
        Assert.Equal(new byte[] { 2 }, (await Storage.ReadAsync("state", Grain))!.Data);
    }

    [Fact]
    public async Task RecordsAreIsolatedByStateName()
    {
        await Storage.WriteAsync("profile", Grain, new byte[] { 1 }, expectedEtag: null);
        await Storage.WriteAsync("cart", Grain, new byte[] { 2 }, expectedEtag: null);

        Assert.Equal(new byte[] { 1 }, (await Storage.ReadAsync("profile", Grain))!.Data);
        Assert.Equal(new byte[] { 2 }, (await Storage.ReadAsync("cart", Grain))!.Data);
        Assert.Null(await Storage.ReadAsync("other", Grain));
    }

    [Fact]
    public async Task RecordsAreIsolatedByGrainId()
    {
        var sameKeyOtherType = TestGrains.Create(Grain.Key, type: "other-type");
        var otherKey = TestGrains.Create("state-2");
        var etag = await Storage.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);
        await Storage.WriteAsync("state", sameKeyOtherType, new byte[] { 2 }, expectedEtag: null);

        await Storage.ClearAsync("state", Grain, etag);

        Assert.Null(await Storage.ReadAsync("state", Grain));
        Assert.Equal(new byte[] { 2 }, (await Storage.ReadAsync("state", sameKeyOtherType))!.Data);
        Assert.Null(await Storage.ReadAsync("state", otherKey));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(256)]
    [InlineData(300_000)]
    public async Task DataBytesRoundTripExactly(int length)
    {
        // Every byte value appears, including zeros, so no provider may treat the data as text.
        var data = Enumerable.Range(0, length).Select(i => (byte)(i * 7 + (i >> 8))).ToArray();

        await Storage.WriteAsync("state", Grain, data, expectedEtag: null);

        Assert.Equal(data, (await Storage.ReadAsync("state", Grain))!.Data);
    }

    [Fact]
    public async Task CallersCannotChangeStoredBytes()
    {
        var written = new byte[] { 1, 2, 3 };
        await Storage.WriteAsync("state", Grain, written, expectedEtag: null);
        written[0] = 99;
        var read = (await Storage.ReadAsync("state", Grain))!;
        read.Data[1] = 99;

        Assert.Equal(new byte[] { 1, 2, 3 }, (await Storage.ReadAsync("state", Grain))!.Data);
    }

    private async Task<WriteAttempt> TryWriteAsync(GrainId grain, byte[] data, string? expectedEtag)
    {
        try
        {
            return new WriteAttempt(data, await Storage.WriteAsync("state", grain, data, expectedEtag), null);
        }
        catch (InconsistentStateException conflict)
        {
            return new WriteAttempt(data, null, conflict);
        }
    }

    private sealed record WriteAttempt(byte[] Data, string? Etag, InconsistentStateException? Conflict);

    /// <summary>Compares records by data bytes and etag (the record's own equality compares the arrays by reference).</summary>
    private sealed class RecordComparer : IEqualityComparer<GrainStateRecord?>
    {
        public static readonly RecordComparer Instance = new();

        public bool Equals(GrainStateRecord? x, GrainStateRecord? y)
            => x is null || y is null ? x is null && y is null : x.Etag == y.Etag && x.Data.AsSpan().SequenceEqual(y.Data);

        public int GetHashCode(GrainStateRecord? obj) => obj?.Etag.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
