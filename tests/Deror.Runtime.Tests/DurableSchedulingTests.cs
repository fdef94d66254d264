using Deror.Configuration;
using Deror.Hosting;
using Deror.Persistence.Sqlite;
using Deror.Testing.Grains;
using Deror.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Runtime.Tests;

/// <summary>Reminders and durable jobs on the SQLite store, including across a silo restart.</summary>
public sealed class DurableSchedulingTests : IDisposable
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"deror-test-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
        {
            File.Delete(file);
        }
    }

    private Task<InProcessTestCluster> StartAsync(Action<DurableJobOptions>? jobs = null)
        => InProcessTestCluster.StartAsync(o => o.ConfigureSilo(silo =>
        {
            silo.UseSqliteStorage(_databasePath);
            silo.Services.Configure<DurableJobOptions>(j =>
            {
                j.PollInterval = TimeSpan.FromMilliseconds(200);
                j.InitialBackoff = TimeSpan.FromMilliseconds(100);
                jobs?.Invoke(j);
            });
        }));

    [Fact]
    public async Task A_sub_minute_reminder_fires_repeatedly()
    {
        await using var cluster = await StartAsync();
        var grain = cluster.GrainFactory.GetGrain<IReminderProbeGrain>(Guid.NewGuid().ToString());

        await grain.Register("fast", 0, 1000);

        await Eventually.Returns(() => grain.GetTicks("fast"), t => t >= 3, TimeSpan.FromSeconds(15), "three reminder ticks");
    }

    [Fact]
    public async Task A_reminder_period_below_the_minimum_is_refused()
    {
        await using var cluster = await StartAsync();
        var grain = cluster.GrainFactory.GetGrain<IReminderProbeGrain>(Guid.NewGuid().ToString());

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => grain.Register("too-fast", 0, 10));

        Assert.Contains("MinimumReminderPeriod", error.Message);
    }

    [Fact]
    public async Task A_reminder_keeps_firing_after_the_silo_restarts()
    {
        var key = Guid.NewGuid().ToString();
        var cluster = await StartAsync();
        await cluster.GrainFactory.GetGrain<IReminderProbeGrain>(key).Register("durable", 500, 1000);
        await cluster.DisposeAsync();

        await using var restarted = await StartAsync();
        var grain = restarted.GrainFactory.GetGrain<IReminderProbeGrain>(key);

        await Eventually.Returns(() => grain.GetTicks("durable"), t => t >= 2, TimeSpan.FromSeconds(15), "reminder ticks after restart");
    }

    [Fact]
    public async Task An_unregistered_reminder_stops_firing()
    {
        await using var cluster = await StartAsync();
        var grain = cluster.GrainFactory.GetGrain<IReminderProbeGrain>(Guid.NewGuid().ToString());
        await grain.Register("brief", 0, 1000);
        await Eventually.Returns(() => grain.GetTicks("brief"), t => t >= 1, TimeSpan.FromSeconds(10), "a first tick");

        await grain.Unregister("brief");
        // A tick already on its way when the reminder was removed may still land; take the baseline after it.
        await Task.Delay(1500);
        var ticks = await grain.GetTicks("brief");
        await Task.Delay(2500);

        Assert.Equal(ticks, await grain.GetTicks("brief"));
    }

    [Fact]
    public async Task A_job_scheduled_before_a_restart_runs_after_it()
    {
        var key = Guid.NewGuid().ToString();
        var cluster = await StartAsync();
        await cluster.GrainFactory.GetGrain<IJobProbeGrain>(key).Schedule("deferred", 1500, failures: 0);
        await cluster.DisposeAsync();

        await using var restarted = await StartAsync();
        var grain = restarted.GrainFactory.GetGrain<IJobProbeGrain>(key);

        var record = await Eventually.Returns(grain.GetRecord, r => r.Completed.Count == 1, TimeSpan.FromSeconds(15), "the deferred job");
        Assert.Equal(["deferred"], record.Completed);
        Assert.Equal([1], record.Attempts);
    }

    [Fact]
    public async Task A_failing_job_is_retried_with_backoff_until_it_succeeds()
    {
        await using var cluster = await StartAsync();
        var grain = cluster.GrainFactory.GetGrain<IJobProbeGrain>(Guid.NewGuid().ToString());

        await grain.Schedule("flaky", 0, failures: 2);

        var record = await Eventually.Returns(grain.GetRecord, r => r.Completed.Count == 1, TimeSpan.FromSeconds(15), "the flaky job to succeed");
        Assert.Equal([1, 2, 3], record.Attempts);
        var gaps = record.AttemptTimes.Zip(record.AttemptTimes.Skip(1), (a, b) => b - a).ToArray();
        Assert.True(gaps[0] >= TimeSpan.FromMilliseconds(90), $"first retry after {gaps[0].TotalMilliseconds} ms");
        Assert.True(gaps[1] >= TimeSpan.FromMilliseconds(190), $"second retry after {gaps[1].TotalMilliseconds} ms (backoff doubles)");
    }

    [Fact]
    public async Task A_job_that_keeps_failing_is_given_up_after_max_attempts()
    {
        await using var cluster = await StartAsync(j => j.MaxAttempts = 3);
        var grain = cluster.GrainFactory.GetGrain<IJobProbeGrain>(Guid.NewGuid().ToString());

        var jobId = await grain.Schedule("doomed", 0, failures: int.MaxValue);

        await Eventually.Returns(grain.GetRecord, r => r.Attempts.Count == 3, TimeSpan.FromSeconds(15), "three attempts");
        var store = cluster.Primary.Services.GetRequiredService<IDurableJobStore>();
        await Eventually.Returns(() => store.ReadAsync(jobId), j => j is null, TimeSpan.FromSeconds(5), "the job to be removed");
        await Task.Delay(1000);
        Assert.Equal([1, 2, 3], (await grain.GetRecord()).Attempts);
    }
}
