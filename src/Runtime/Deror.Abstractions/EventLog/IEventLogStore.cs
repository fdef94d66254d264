namespace Deror;

/// <summary>An event to append: what happened (<see cref="Type"/>), to whom (<see cref="Subject"/>), when, and a JSON body.</summary>
public sealed record NewEvent(string Type, string Subject, DateTimeOffset Timestamp, string Data);

/// <summary>An event as stored: <see cref="Sequence"/> is its position in the stream (1, 2, 3, ... without gaps).</summary>
public sealed record EventRecord(long Sequence, string Type, string Subject, DateTimeOffset Timestamp, string Data);

/// <summary>
/// Durable, append-only event streams (one per cluster, e.g. the lifecycle transitions of its nodes and tasks) that
/// readers follow by position. Implemented by every store provider: a table on the SQL stores, a Redis Stream on Redis.
/// </summary>
/// <remarks>
/// Guarantees every provider must keep (the conformance suite checks them): sequences start at 1 and grow by exactly 1
/// per appended event within a stream; a batch is appended atomically and contiguously; a reader that has seen
/// sequence N and reads "after N" never misses an event appended later, even under concurrent appenders (an event
/// becomes visible only after every event with a lower sequence is visible); streams are independent.
/// </remarks>
public interface IEventLogStore
{
    /// <summary>Appends <paramref name="events"/> (at least one) in order; returns the sequence of the last one.</summary>
    Task<long> AppendAsync(string stream, IReadOnlyList<NewEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="maxCount"/> events with a sequence greater than <paramref name="afterSequence"/>, oldest first.</summary>
    Task<IReadOnlyList<EventRecord>> ReadAsync(string stream, long afterSequence, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>The sequence of the newest event in the stream; 0 when it is empty.</summary>
    Task<long> GetLastSequenceAsync(string stream, CancellationToken cancellationToken = default);

    /// <summary>Deletes the events with a sequence lower than <paramref name="beforeSequence"/>; later appends keep numbering on.</summary>
    Task TrimAsync(string stream, long beforeSequence, CancellationToken cancellationToken = default);
}
