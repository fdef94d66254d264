namespace Deror.Runtime.Storage;

/// <summary>
/// Event streams kept in process memory. One lock makes every append atomic and visible in sequence order; there is
/// nothing to group-commit. Silos given the same instance share its streams, as silos sharing a database would.
/// </summary>
public sealed class MemoryEventLogStore : IEventLogStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, StreamLog> _streams = new(StringComparer.Ordinal);

    public Task<long> AppendAsync(string stream, IReadOnlyList<NewEvent> events, CancellationToken cancellationToken = default)
    {
        EventLogArguments.ValidateAppend(stream, events);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!_streams.TryGetValue(stream, out var log))
            {
                _streams[stream] = log = new StreamLog();
            }
            foreach (var item in events)
            {
                log.Events.Add(new EventRecord(++log.LastSequence, item.Type, item.Subject, item.Timestamp.ToUniversalTime(), item.Data));
            }
            return Task.FromResult(log.LastSequence);
        }
    }

    public Task<IReadOnlyList<EventRecord>> ReadAsync(string stream, long afterSequence, int maxCount, CancellationToken cancellationToken = default)
    {
        EventLogArguments.ValidateRead(stream, afterSequence, maxCount);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!_streams.TryGetValue(stream, out var log) || log.Events.Count == 0)
            {
                return Task.FromResult<IReadOnlyList<EventRecord>>([]);
            }
            // Sequences are contiguous from the first kept event, so the position is arithmetic.
            var start = (int)Math.Clamp(afterSequence + 1 - log.Events[0].Sequence, 0, log.Events.Count);
            var count = Math.Min(maxCount, log.Events.Count - start);
            return Task.FromResult<IReadOnlyList<EventRecord>>(log.Events.GetRange(start, count).ToArray());
        }
    }

    public Task<long> GetLastSequenceAsync(string stream, CancellationToken cancellationToken = default)
    {
        EventLogArguments.ValidateStream(stream);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult(_streams.TryGetValue(stream, out var log) ? log.LastSequence : 0);
        }
    }

    public Task TrimAsync(string stream, long beforeSequence, CancellationToken cancellationToken = default)
    {
        EventLogArguments.ValidateTrim(stream, beforeSequence);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_streams.TryGetValue(stream, out var log) && log.Events.Count > 0)
            {
                log.Events.RemoveRange(0, (int)Math.Clamp(beforeSequence - log.Events[0].Sequence, 0, log.Events.Count));
            }
            return Task.CompletedTask;
        }
    }

    /// <summary>The kept events of one stream, oldest first, and the last sequence ever handed out (it survives trims).</summary>
    private sealed class StreamLog
    {
        public List<EventRecord> Events { get; } = [];

        public long LastSequence { get; set; }
    }
}
