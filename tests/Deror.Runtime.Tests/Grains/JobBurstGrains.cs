using System.Collections.Concurrent;
using Deror.Runtime;

namespace Deror.Runtime.Tests.Grains;

/// <summary>Every job delivery seen by <see cref="JobBurstGrain"/>s of one test cluster, with when it arrived.</summary>
public sealed class JobFirings(TimeProvider clock)
{
    private readonly ConcurrentQueue<(string JobId, DateTimeOffset DueTime, DateTimeOffset CalledAt)> _firings = new();

    public int Count => _firings.Count;

    public IReadOnlyList<(string JobId, DateTimeOffset DueTime, DateTimeOffset CalledAt)> All => [.. _firings];

    public void Record(DurableJobContext context) => _firings.Enqueue((context.JobId, context.DueTime, clock.GetUtcNow()));
}

public interface IJobBurstGrain : IGrainWithStringKey, IDurableJobHandler
{
}

/// <summary>A job handler that only records the delivery: what is measured is the scheduler, not the handler.</summary>
public sealed class JobBurstGrain(JobFirings firings) : Grain, IJobBurstGrain
{
    public Task ExecuteJobAsync(DurableJobContext context)
    {
        firings.Record(context);
        return Task.CompletedTask;
    }
}
