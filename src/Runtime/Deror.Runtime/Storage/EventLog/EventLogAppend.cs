namespace Deror.Runtime.Storage;

/// <summary>
/// What a group commit appends to one stream: the events of every append to <see cref="Stream"/> in the group, one
/// append after another in queue order (so each caller's events stay contiguous and in its order).
/// </summary>
public sealed record EventLogAppend(string Stream, IReadOnlyList<NewEvent> Events);
