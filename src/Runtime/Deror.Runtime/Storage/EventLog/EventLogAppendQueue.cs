using Microsoft.Extensions.Logging;

namespace Deror.Runtime.Storage;

/// <summary>
/// Group commit for an event log provider (<see cref="GroupCommitQueue{TItem, TResult}"/>): a group reaches the
/// provider as one <see cref="EventLogAppend"/> per stream, in ordinal order of the stream names (a lock order for
/// providers that lock per stream). The provider's commit must apply a group atomically and return each stream's
/// new last sequence; the queue derives each caller's last sequence from it.
/// </summary>
public sealed class EventLogAppendQueue : IDisposable
{
    /// <summary>Events per group at most (a single larger append still commits alone, whole): bounds one commit's size.</summary>
    public const int MaxEventsPerGroup = 4096;

    private readonly Func<IReadOnlyList<EventLogAppend>, Task<IReadOnlyList<long>>> _commit;
    private readonly GroupCommitQueue<EventLogAppend, long> _queue;

    public EventLogAppendQueue(Func<IReadOnlyList<EventLogAppend>, Task<IReadOnlyList<long>>> commit, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(commit);
        _commit = commit;
        _queue = new GroupCommitQueue<EventLogAppend, long>(CommitAsync, append => append.Events.Count, MaxEventsPerGroup, "event log appends", logger);
    }

    /// <summary>
    /// Queues an append and completes with its last sequence once its group is committed. Cancellation only takes
    /// effect while the append still waits in the queue: once the writer has taken it, its outcome is reported.
    /// </summary>
    public Task<long> AppendAsync(string stream, IReadOnlyList<NewEvent> events, CancellationToken cancellationToken)
    {
        EventLogArguments.ValidateAppend(stream, events);
        // A copy: the caller may reuse its list before the group is committed.
        return _queue.EnqueueAsync(new EventLogAppend(stream, [.. events]), cancellationToken);
    }

    /// <summary>Stops taking appends and waits until those already queued are committed.</summary>
    public void Dispose() => _queue.Dispose();

    private async Task<IReadOnlyList<GroupCommitOutcome<long>>> CommitAsync(IReadOnlyList<EventLogAppend> group)
    {
        var streams = group.Select((append, index) => (Append: append, Index: index))
            .GroupBy(entry => entry.Append.Stream, StringComparer.Ordinal)
            .OrderBy(stream => stream.Key, StringComparer.Ordinal)
            .Select(stream => (Appends: stream.ToArray(), Events: stream.SelectMany(entry => entry.Append.Events).ToArray()))
            .ToArray();
        var lastSequences = await _commit([.. streams.Select(stream => new EventLogAppend(stream.Appends[0].Append.Stream, stream.Events))]).ConfigureAwait(false);
        if (lastSequences.Count != streams.Length)
        {
            throw new InvalidOperationException($"The event log commit returned {lastSequences.Count} sequences for {streams.Length} streams.");
        }
        var outcomes = new GroupCommitOutcome<long>[group.Count];
        for (var i = 0; i < streams.Length; i++)
        {
            // The stream's appends were concatenated in queue order: each one ends where the next one's events begin.
            var last = lastSequences[i] - streams[i].Events.Length;
            foreach (var (append, index) in streams[i].Appends)
            {
                last += append.Events.Count;
                outcomes[index] = GroupCommitOutcome<long>.Succeeded(last);
            }
        }
        return outcomes;
    }
}
