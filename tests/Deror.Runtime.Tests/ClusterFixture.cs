using Deror.Hosting;
using Deror.TestingHost;

namespace Deror.Runtime.Tests;

/// <summary>One silo with in-memory storage, reminders and jobs, shared by the tests of a class.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
        => Cluster = await InProcessTestCluster.StartAsync(o => o.ConfigureSilo(silo => silo
            .AddMemoryGrainStorage()
            .UseInMemoryReminderService()
            .UseInMemoryDurableJobs()));

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>Polls a condition until it holds or the deadline passes; for effects that happen on a schedule.</summary>
public static class Eventually
{
    public static async Task<T> Returns<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        do
        {
            last = await probe();
            if (condition(last))
            {
                return last;
            }
            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        throw new Xunit.Sdk.XunitException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}; last value: {last}");
    }
}
