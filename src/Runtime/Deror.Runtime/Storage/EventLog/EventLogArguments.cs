namespace Deror.Runtime.Storage;

/// <summary>The argument checks every <see cref="IEventLogStore"/> provider makes, so bad input fails alike (and before any I/O) everywhere.</summary>
public static class EventLogArguments
{
    public static void ValidateAppend(string stream, IReadOnlyList<NewEvent> events)
    {
        ValidateStream(stream);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException("At least one event must be appended.", nameof(events));
        }
        for (var i = 0; i < events.Count; i++)
        {
            var item = events[i] ?? throw new ArgumentException($"Event {i} is null.", nameof(events));
            if (string.IsNullOrWhiteSpace(item.Type))
            {
                throw new ArgumentException($"Event {i} has no {nameof(NewEvent.Type)}.", nameof(events));
            }
            if (item.Subject is null || item.Data is null)
            {
                throw new ArgumentException($"Event {i} ('{item.Type}') has a null {(item.Subject is null ? nameof(NewEvent.Subject) : nameof(NewEvent.Data))}.", nameof(events));
            }
        }
    }

    public static void ValidateRead(string stream, long afterSequence, int maxCount)
    {
        ValidateStream(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
    }

    public static void ValidateTrim(string stream, long beforeSequence)
    {
        ValidateStream(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(beforeSequence);
    }

    public static void ValidateStream(string stream) => ArgumentException.ThrowIfNullOrWhiteSpace(stream);
}
