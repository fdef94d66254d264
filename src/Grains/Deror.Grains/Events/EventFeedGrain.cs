namespace Deror.Grains;

/// <summary>
/// Serves the lifecycle event log to clients. A stateless worker: every silo answers from the store itself, and a
/// long poll waits by re-reading the log (no state to keep in sync).
/// </summary>
[StatelessWorker]
public sealed class EventFeedGrain(LifecycleLog log, TimeProvider clock) : Grain, IEventFeedGrain
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    public async Task<EventBatch> Read(long afterSequence, int maxCount, TimeSpan maxWait)
    {
        if (afterSequence < 0 || maxCount is < 1 or > 10_000)
        {
            throw new InvalidSpecException("afterSequence must be 0 or more and maxCount between 1 and 10000.");
        }
        if (this.GetPrimaryKeyString() != log.ClusterId)
        {
            throw new InvalidSpecException($"This silo serves cluster '{log.ClusterId}', not '{this.GetPrimaryKeyString()}'.");
        }
        var deadline = clock.GetUtcNow() + (maxWait > MaxWait ? MaxWait : maxWait);
        while (true)
        {
            var events = await log.Store.ReadAsync(log.Stream, afterSequence, maxCount);
            if (events.Count > 0 || clock.GetUtcNow() >= deadline)
            {
                return new EventBatch(events, events.Count > 0 ? events[^1].Sequence : afterSequence);
            }
            await Task.Delay(PollInterval, clock);
        }
    }
}
