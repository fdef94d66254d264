namespace Deror.Runtime.Storage;

/// <summary>One <see cref="IEventLogStore.AppendAsync"/> call as a group commit sees it: its stream and its events, in order.</summary>
public sealed record EventLogAppend(string Stream, IReadOnlyList<NewEvent> Events);
