using Deror.Configuration;
using Deror.Hosting;
using Deror.Persistence.Sqlite;
using Deror.Runtime.Tests.Grains;
using Deror.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Runtime.Tests;

/// <summary>
/// Durable jobs at scale: read ahead, fired on time together, acknowledged once. The burst runs on the in-memory job
/// store, so the 2,000 jobs can be stored within the deferral on a loaded machine (the SQLite store takes one
/// transaction per added job); its batched reads and removes are covered per provider by the conformance suite.
/// </summary>
public sealed class DurableJobBurstTests : IDisposable
{
    private const int BurstSize = 2_000;

    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"deror-test-{Guid.NewGuid():N}.db");
    private readonly JobFirings _firings = new(TimeProvider.System);

    public void Dispose()
    {
        foreach (var file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
        {
            File.Delete(file);
        }
    }

    private Task<InProcessTestCluster> StartAsync(bool memoryJobs = false)
        => InProcessTestCluster.StartAsync(o => o.ConfigureSilo(silo =>
        {
            silo.UseSqliteStorage(_databasePath);
            if (memoryJobs)
            {
                silo.UseInMemoryDurableJobs();
            }
            silo.Services.AddSingleton(_firings);
            silo.Services.Configure<DurableJobOptions>(j => j.PollInterval = TimeSpan.FromMilliseconds(200));
        }));

    [Fact]
    public async Task Two_thousand_jobs_due_at_one_instant_each_run_once_on_time_and_are_acknowledged()
    {
        await using var cluster = await StartAsync(memoryJobs: true);
        var store = cluster.Primary.Services.GetRequiredService<IDurableJobStore>();
        var grainType = cluster.GrainFactory.GetGrain<IJobBurstGrain>("probe").GetGrainId().Type;
        // Straight into the store, as jobs scheduled long ago (or by other silos) are: the silo must read them ahead.
        var due = DateTimeOffset.UtcNow.AddSeconds(3);
        await Parallel.ForEachAsync(Enumerable.Range(0, BurstSize), async (i, ct) =>
            await store.AddAsync(new DurableJobEntry($"burst-{i}", GrainId.Create(grainType, $"burst-{i}"), "burst", due, 0, new Dictionary<string, string>()), ct));
        Assert.True(DateTimeOffset.UtcNow < due - TimeSpan.FromSeconds(1), "Storing the jobs took longer than their deferral; lateness would be meaningless.");

        await Eventually.Returns(() => Task.FromResult(_firings.Count), n => n >= BurstSize, TimeSpan.FromSeconds(30), $"{BurstSize} job deliveries");
        await Eventually.Returns(() => store.ReadDueAsync(0, 0, due.AddYears(1), 10), left => left.Count == 0, TimeSpan.FromSeconds(10), "every job to be acknowledged");

        var firings = _firings.All;
        Assert.Equal(BurstSize, firings.Select(f => f.JobId).Distinct().Count());
        Assert.Equal(BurstSize, firings.Count);
        Assert.All(firings, f => Assert.True(f.CalledAt >= due, $"{f.JobId} ran {(due - f.CalledAt).TotalMilliseconds:0} ms early"));
        var lateness = firings.Select(f => (f.CalledAt - due).TotalMilliseconds).Order().ToArray();
        var p99 = lateness[(int)Math.Ceiling(lateness.Length * 0.99) - 1];

        // Baseline in the same run: the same deliveries as direct calls to fresh grains, as many at once as the
        // service runs jobs. The last job can be no earlier than this takes; the scheduler may add little on top
        // (the slack absorbs timer wake-ups on a loaded 2-core machine, where 2,000 fresh activations take seconds).
        var direct = await DirectDeliveriesAsync(cluster, BurstSize, new DurableJobOptions().MaxConcurrentJobs);
        var summary = $"min {lateness[0]:0} ms, p50 {lateness[lateness.Length / 2]:0} ms, p99 {p99:0} ms, max {lateness[^1]:0} ms after the due time; the same {BurstSize} deliveries as direct calls took {direct.TotalMilliseconds:0} ms";
        Assert.True(p99 <= direct.TotalMilliseconds * 1.5 + 1000, summary);
    }

    private static async Task<TimeSpan> DirectDeliveriesAsync(InProcessTestCluster cluster, int count, int inFlight)
    {
        var factory = cluster.Primary.Services.GetRequiredService<IGrainFactory>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = inFlight }, async (i, _) =>
            await factory.GetGrain<IJobBurstGrain>($"direct-{i}").ExecuteJobAsync(new DurableJobContext($"direct-{i}", "direct", DateTimeOffset.UtcNow, 1, new Dictionary<string, string>())));
        return started.Elapsed;
    }

    [Fact]
    public async Task A_job_cancelled_while_held_in_memory_does_not_run()
    {
        await using var cluster = await StartAsync();
        var jobs = cluster.Primary.Services.GetRequiredService<IDurableJobManager>();
        var grain = cluster.GrainFactory.GetGrain<IJobBurstGrain>("cancel").GetGrainId();
        var now = DateTimeOffset.UtcNow;
        // Both are within the look-ahead, so both are held on timers from the moment they are scheduled.
        var cancelled = await jobs.ScheduleJobAsync(grain, "cancelled", now.AddMilliseconds(800));
        var sentinel = await jobs.ScheduleJobAsync(grain, "sentinel", now.AddMilliseconds(1200));

        Assert.True(await jobs.TryCancelJobAsync(cancelled.JobId));

        await Eventually.Returns(() => Task.FromResult(_firings.All), f => f.Any(x => x.JobId == sentinel.JobId), TimeSpan.FromSeconds(10), "the later job");
        Assert.DoesNotContain(_firings.All, f => f.JobId == cancelled.JobId);
        Assert.False(await jobs.TryCancelJobAsync(cancelled.JobId));
    }
}
