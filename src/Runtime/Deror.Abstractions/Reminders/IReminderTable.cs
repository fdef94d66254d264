namespace Deror.Runtime;

/// <summary>
/// Durable reminder definitions. Rows are keyed by (grain, reminder name); every row carries the grain's
/// uniform hash so a silo can read the reminders of the ring range it owns. Etags are never reused for a row, so
/// an etag read before a remove cannot remove the row registered again after it.
/// </summary>
public interface IReminderTable
{
    Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Rows whose grain hash lies in the ring range (<paramref name="begin"/>, <paramref name="end"/>]. When
    /// begin &gt;= end the range wraps around zero; begin == end is the whole ring.
    /// </summary>
    Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(uint begin, uint end, CancellationToken cancellationToken = default);

    Task<ReminderEntry?> ReadRowAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces the row; returns its new etag.</summary>
    Task<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Removes the row if its etag matches; false if it is missing or changed.</summary>
    Task<bool> RemoveRowAsync(GrainId grainId, string reminderName, string etag, CancellationToken cancellationToken = default);
}

/// <summary>One durable reminder definition.</summary>
public sealed record ReminderEntry(GrainId GrainId, string ReminderName, DateTimeOffset StartAt, TimeSpan Period, string? ETag = null)
{
    public uint GrainHash => GrainId.GetUniformHashCode();
}

/// <summary>Ring-range arithmetic shared by every provider: (begin, end], wrapping, begin == end is the whole ring.</summary>
public static class RingRange
{
    public static bool Contains(uint begin, uint end, uint hash)
        => begin == end || (begin < end ? hash > begin && hash <= end : hash > begin || hash <= end);
}
