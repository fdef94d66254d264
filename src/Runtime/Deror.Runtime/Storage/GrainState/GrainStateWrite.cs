namespace Deror.Runtime.Storage;

/// <summary>
/// One queued grain-state change for a group commit: a write of <see cref="Data"/>, or a clear when it is null.
/// Like every <see cref="IGrainStorage"/> change it is a compare-and-set on <see cref="ExpectedEtag"/>.
/// </summary>
public sealed record GrainStateWrite(string StateName, GrainId GrainId, ReadOnlyMemory<byte>? Data, string? ExpectedEtag)
{
    public bool IsClear => Data is null;
}

/// <summary>
/// What a group commit did with one <see cref="GrainStateWrite"/>: its new etag (null after a clear), or the etag
/// conflict that left it out of the group while the others were committed.
/// </summary>
public sealed record GrainStateWriteOutcome(string? Etag, InconsistentStateException? Conflict)
{
    public static GrainStateWriteOutcome Written(string etag) => new(etag, null);

    public static GrainStateWriteOutcome Cleared { get; } = new(null, null);

    public static GrainStateWriteOutcome Conflicted(InconsistentStateException conflict) => new(null, conflict);
}
