using Deror.Persistence.Sqlite;
using Deror.Persistence.Tests.Conformance;
using Deror.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Persistence.Tests.Sqlite;

/// <summary>
/// What the SQLite providers promise beyond the contracts: several independent instances (as several silo
/// processes would have) share one file correctly, and data survives reopening the file.
/// </summary>
public sealed class SqliteSharedFileTests : IDisposable
{
    private static readonly GrainId Grain = TestGrains.Create("shared-file");
    private static readonly DateTimeOffset Now = new(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TemporarySqliteFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task TwoInstancesSeeEachOthersStateWritesAndConflicts()
    {
        var first = NewGrainStorage(_file.Options);
        var second = NewGrainStorage(_file.SeparateConnectionOptions);

        var firstEtag = await first.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);
        Assert.Equal(firstEtag, (await second.ReadAsync("state", Grain))!.Etag);
        var secondEtag = await second.WriteAsync("state", Grain, new byte[] { 2 }, firstEtag);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => first.WriteAsync("state", Grain, new byte[] { 3 }, firstEtag));
        Assert.Equal(secondEtag, conflict.StoredEtag);
        Assert.Equal(new byte[] { 2 }, (await first.ReadAsync("state", Grain))!.Data);
    }

    [Fact]
    public async Task ParallelWritesFromTwoInstancesHaveExactlyOneWinner()
    {
        var instances = new[] { NewGrainStorage(_file.Options), NewGrainStorage(_file.SeparateConnectionOptions) };
        var etag = await instances[0].WriteAsync("state", Grain, new byte[] { 0 }, expectedEtag: null);

        var results = await TestGrains.RaceAsync(20, async i =>
        {
            try
            {
                return await instances[i % 2].WriteAsync("state", Grain, new[] { (byte)i }, etag);
            }
            catch (InconsistentStateException)
            {
                return null;
            }
        });

        var winner = Assert.Single(results, result => result is not null);
        Assert.Equal(winner, (await instances[1].ReadAsync("state", Grain))!.Etag);
    }

    [Fact]
    public async Task TwoInstancesShareRemindersAndJobs()
    {
        var firstReminders = _file.Track(new SqliteReminderTable(_file.Options, NullLoggerFactory.Instance));
        var secondReminders = _file.Track(new SqliteReminderTable(_file.SeparateConnectionOptions, NullLoggerFactory.Instance));
        var firstJobs = _file.Track(new SqliteDurableJobStore(_file.Options, NullLoggerFactory.Instance));
        var secondJobs = _file.Track(new SqliteDurableJobStore(_file.SeparateConnectionOptions, NullLoggerFactory.Instance));

        var reminderEtag = await firstReminders.UpsertRowAsync(new ReminderEntry(Grain, "tick", Now, TimeSpan.FromMinutes(1)));
        Assert.Equal(reminderEtag, Assert.Single(await secondReminders.ReadRowsAsync(0, 0)).ETag);
        Assert.True(await secondReminders.RemoveRowAsync(Grain, "tick", reminderEtag));
        Assert.False(await firstReminders.RemoveRowAsync(Grain, "tick", reminderEtag));

        var jobEtag = await firstJobs.AddAsync(new DurableJobEntry("job-1", Grain, "ship", Now, 0, new Dictionary<string, string>()));
        await Assert.ThrowsAsync<InvalidOperationException>(() => secondJobs.AddAsync(new DurableJobEntry("job-1", Grain, "ship", Now, 0, new Dictionary<string, string>())));
        Assert.Equal(jobEtag, Assert.Single(await secondJobs.ReadDueAsync(0, 0, Now, 10)).ETag);
        var removed = await TestGrains.RaceAsync(10, i => (i % 2 == 0 ? firstJobs : secondJobs).RemoveAsync("job-1", jobEtag));
        Assert.Single(removed, result => result);
    }

    [Fact]
    public async Task DataSurvivesDisposingAndRecreatingTheProviders()
    {
        var stateEtag = await UseAndDispose(NewGrainStorage(_file.Options), storage => storage.WriteAsync("state", Grain, new byte[] { 7, 0, 7 }, expectedEtag: null));
        var reminderEtag = await UseAndDispose(new SqliteReminderTable(_file.Options, NullLoggerFactory.Instance), table => table.UpsertRowAsync(new ReminderEntry(Grain, "tick", Now, TimeSpan.FromMinutes(1))));
        var jobEtag = await UseAndDispose(new SqliteDurableJobStore(_file.Options, NullLoggerFactory.Instance), jobs => jobs.AddAsync(new DurableJobEntry("job-1", Grain, "ship", Now, 1, new Dictionary<string, string> { ["k"] = "v" })));

        var storage = NewGrainStorage(_file.Options);
        var reminders = _file.Track(new SqliteReminderTable(_file.Options, NullLoggerFactory.Instance));
        var jobs = _file.Track(new SqliteDurableJobStore(_file.Options, NullLoggerFactory.Instance));

        var state = await storage.ReadAsync("state", Grain);
        Assert.Equal(new byte[] { 7, 0, 7 }, state!.Data);
        Assert.Equal(stateEtag, state.Etag);
        Assert.Equal(new ReminderEntry(Grain, "tick", Now, TimeSpan.FromMinutes(1), reminderEtag), await reminders.ReadRowAsync(Grain, "tick"));
        var job = await jobs.ReadAsync("job-1");
        Assert.Equal(("ship", Now, 1, "v", jobEtag), (job!.JobName, job.DueTime, job.Attempt, job.Metadata["k"], job.ETag));
        // The etag sequence continues across reopening, so new etags never repeat old ones.
        var newEtag = await storage.WriteAsync("state", Grain, new byte[] { 8 }, stateEtag);
        Assert.DoesNotContain(newEtag, new[] { stateEtag, reminderEtag, jobEtag });
    }

    [Fact]
    public async Task TheFileRunsInWalModeWithTheCurrentSchemaVersion()
    {
        await NewGrainStorage(_file.Options).ReadAsync("state", Grain);

        await using var connection = await OpenRawAsync();
        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode;"));
        Assert.Equal(3L, await ScalarAsync(connection, "SELECT version FROM deror_schema;"));
    }

    [Fact]
    public async Task AFileWithANewerSchemaIsRefused()
    {
        await NewGrainStorage(_file.Options).ReadAsync("state", Grain);
        await using (var connection = await OpenRawAsync())
        {
            await ScalarAsync(connection, "UPDATE deror_schema SET version = 99;");
        }

        var storage = NewGrainStorage(_file.SeparateConnectionOptions);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => storage.ReadAsync("state", Grain));
        Assert.Contains("schema version 99", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWriterGivesUpAfterTheBusyTimeoutWhileAnotherConnectionHoldsTheWriteLock()
    {
        var storage = NewGrainStorage(new SqliteStorageOptions { DatabasePath = _file.Path, BusyTimeout = TimeSpan.FromSeconds(1) });
        await storage.ReadAsync("state", Grain);
        await using var otherProcess = await OpenRawAsync();
        await ScalarAsync(otherProcess, "BEGIN IMMEDIATE;");

        var busy = await Assert.ThrowsAsync<SqliteException>(() => Task.Run(() => storage.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null)));

        Assert.Equal(5, busy.SqliteErrorCode); // SQLITE_BUSY
        await ScalarAsync(otherProcess, "ROLLBACK;");
        await storage.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);
    }

    [Fact]
    public async Task MissingDirectoriesOfTheDatabasePathAreCreated()
    {
        var nested = Path.Combine(Path.GetDirectoryName(_file.Path)!, Guid.NewGuid().ToString("N"), "deeper", "silo.db");
        try
        {
            using (var storage = new SqliteGrainStorage(new SqliteStorageOptions { DatabasePath = nested }, NullLoggerFactory.Instance))
            {
                await storage.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);
            }
            Assert.True(File.Exists(nested));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(nested))!, recursive: true);
        }
    }

    private SqliteGrainStorage NewGrainStorage(SqliteStorageOptions options) => _file.Track(new SqliteGrainStorage(options, NullLoggerFactory.Instance));

    private static async Task<T> UseAndDispose<TProvider, T>(TProvider provider, Func<TProvider, Task<T>> use)
        where TProvider : IDisposable
    {
        using (provider)
        {
            return await use(provider);
        }
    }

    private async Task<SqliteConnection> OpenRawAsync()
    {
        var connection = new SqliteConnection($"Data Source={_file.Path};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
