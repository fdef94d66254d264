using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Deror.Runtime.Storage;

/// <summary>
/// Group commit for an event log provider: concurrent appends queue here and one writer loop hands everything that
/// is waiting to <c>commit</c> as one group (one transaction or round trip), so the cost of a commit is shared by
/// every caller that arrived while the previous one ran. A group reaches the provider as one
/// <see cref="EventLogAppend"/> per stream, in ordinal order of the stream names (a lock order for providers that
/// lock per stream). The provider's commit must apply a group atomically and return each stream's new last
/// sequence; the queue derives each caller's last sequence from it. A failed commit fails every append of its group.
/// </summary>
public sealed partial class EventLogAppendQueue : IDisposable
{
    /// <summary>Events per group at most (a single larger append still commits alone, whole): bounds one commit's size.</summary>
    public const int MaxEventsPerGroup = 4096;

    private readonly Channel<QueuedStoreOperation<EventLogAppend, long>> _pending = Channel.CreateUnbounded<QueuedStoreOperation<EventLogAppend, long>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<EventLogAppend>, Task<IReadOnlyList<long>>> _commit;
    private readonly ILogger _logger;
    private readonly Task _writer;

    public EventLogAppendQueue(Func<IReadOnlyList<EventLogAppend>, Task<IReadOnlyList<long>>> commit, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentNullException.ThrowIfNull(logger);
        _commit = commit;
        _logger = logger;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Queues an append and completes with its last sequence once its group is committed. Cancellation only takes
    /// effect while the append still waits in the queue: once the writer has taken it, its outcome is reported.
    /// </summary>
    public Task<long> AppendAsync(string stream, IReadOnlyList<NewEvent> events, CancellationToken cancellationToken)
    {
        EventLogArguments.ValidateAppend(stream, events);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<long>(cancellationToken);
        }
        // A copy: the caller may reuse its list before the group is committed.
        var pending = new QueuedStoreOperation<EventLogAppend, long>(new EventLogAppend(stream, [.. events]), cancellationToken);
        if (!_pending.Writer.TryWrite(pending))
        {
            pending.TryClaim();
            throw new ObjectDisposedException(nameof(EventLogAppendQueue), "The event log store is disposed.");
        }
        return pending.Task;
    }

    /// <summary>Stops taking appends and waits until those already queued are committed.</summary>
    public void Dispose()
    {
        _pending.Writer.TryComplete();
        _writer.GetAwaiter().GetResult();
    }

    private async Task WriteLoopAsync()
    {
        var reader = _pending.Reader;
        var group = new List<QueuedStoreOperation<EventLogAppend, long>>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var events = TakeGroup(reader, group);
            if (group.Count > 0)
            {
                await CommitAsync(group, events).ConfigureAwait(false);
                group.Clear();
            }
        }
    }

    private static int TakeGroup(ChannelReader<QueuedStoreOperation<EventLogAppend, long>> reader, List<QueuedStoreOperation<EventLogAppend, long>> group)
    {
        var events = 0;
        while (reader.TryPeek(out var next) && (group.Count == 0 || events + next.Item.Events.Count <= MaxEventsPerGroup))
        {
            reader.TryRead(out _);
            if (next.TryClaim())
            {
                group.Add(next);
                events += next.Item.Events.Count;
            }
        }
        return events;
    }

    private async Task CommitAsync(List<QueuedStoreOperation<EventLogAppend, long>> group, int events)
    {
        try
        {
            var streams = group.GroupBy(pending => pending.Item.Stream, StringComparer.Ordinal)
                .OrderBy(stream => stream.Key, StringComparer.Ordinal)
                .Select(stream => (Appends: stream.ToArray(), Events: stream.SelectMany(pending => pending.Item.Events).ToArray()))
                .ToArray();
            var lastSequences = await _commit([.. streams.Select(stream => new EventLogAppend(stream.Appends[0].Item.Stream, stream.Events))]).ConfigureAwait(false);
            if (lastSequences.Count != streams.Length)
            {
                throw new InvalidOperationException($"The event log commit returned {lastSequences.Count} sequences for {streams.Length} streams.");
            }
            for (var i = 0; i < streams.Length; i++)
            {
                // The stream's appends were concatenated in queue order: each one ends where the next one's events begin.
                var last = lastSequences[i] - streams[i].Events.Length;
                foreach (var pending in streams[i].Appends)
                {
                    last += pending.Item.Events.Count;
                    pending.TrySetResult(last);
                }
            }
        }
        catch (Exception exception)
        {
            LogGroupCommitFailed(_logger, exception, group.Count, events);
            foreach (var pending in group)
            {
                pending.TrySetException(exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appending {Events} events of {Appends} appends to the event log failed; none of them was appended")]
    private static partial void LogGroupCommitFailed(ILogger logger, Exception exception, int appends, int events);
}
