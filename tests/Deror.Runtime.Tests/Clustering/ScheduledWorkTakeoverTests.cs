using Deror.Configuration;
using Deror.Hosting;
using Deror.Testing.Grains;
using Deror.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Runtime.Tests.Clustering;

/// <summary>Reminders and durable jobs are owned by ring ranges; when a silo leaves, the others take its ranges over.</summary>
public sealed class ScheduledWorkTakeoverTests : IDisposable
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"deror-takeover-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
        {
            File.Delete(file);
        }
    }

    private Task<InProcessTestCluster> StartAsync() => InProcessTestCluster.StartAsync(o => o.ConfigureSilo(silo =>
    {
        silo.UseSqliteStorage(_databasePath);
        silo.Services.Configure<ReminderOptions>(r => r.RefreshPeriod = TimeSpan.FromSeconds(1));
        silo.Services.Configure<DurableJobOptions>(j => j.PollInterval = TimeSpan.FromMilliseconds(200));
    }), silos: 3);

    [Fact]
    public async Task Reminders_keep_firing_on_the_remaining_silos_after_one_leaves()
    {
        await using var cluster = await StartAsync();
        var grains = Enumerable.Range(0, 12).Select(i => cluster.GrainFactory.GetGrain<IReminderProbeGrain>($"takeover-{i}-{Guid.NewGuid():N}")).ToArray();
        await Task.WhenAll(grains.Select(g => g.Register("tick", 0, 1000)));
        await Eventually.Returns(() => Task.WhenAll(grains.Select(g => g.GetTicks("tick"))), t => t.All(n => n >= 1), TimeSpan.FromSeconds(15), "a first tick everywhere");

        await cluster.StopSiloAsync(cluster.Silos[0]);
        await cluster.WaitForMembershipAsync();
        var before = await Task.WhenAll(grains.Select(g => g.GetTicks("tick")));

        await Eventually.Returns(
            () => Task.WhenAll(grains.Select(g => g.GetTicks("tick"))),
            t => t.Zip(before).All(p => p.First >= p.Second + 2),
            TimeSpan.FromSeconds(20),
            "every reminder to keep ticking");
    }

    [Fact]
    public async Task Jobs_of_a_silo_that_leaves_run_once_on_the_others()
    {
        await using var cluster = await StartAsync();
        var grains = Enumerable.Range(0, 12).Select(i => cluster.GrainFactory.GetGrain<IJobProbeGrain>($"job-{i}-{Guid.NewGuid():N}")).ToArray();
        await Task.WhenAll(grains.Select(g => g.Schedule("later", 3000, failures: 0)));

        await cluster.StopSiloAsync(cluster.Silos[0]);
        // As in the reminder test: until the others have seen it leave, a call may still be sent to its address.
        await cluster.WaitForMembershipAsync();

        var records = await Eventually.Returns(() => Task.WhenAll(grains.Select(g => g.GetRecord())), r => r.All(x => x.Completed.Count >= 1), TimeSpan.FromSeconds(20), "every job to run");
        await Task.Delay(1500);
        Assert.All(await Task.WhenAll(grains.Select(g => g.GetRecord())), r => Assert.Equal(["later"], r.Completed));
        Assert.Equal(12, records.Length);
    }
}
