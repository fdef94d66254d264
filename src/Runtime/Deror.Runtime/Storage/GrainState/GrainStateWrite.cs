namespace Deror.Runtime.Storage;

/// <summary>
/// One queued grain-state change for a group commit (<see cref="GroupCommitQueue{TItem, TResult}"/>): a write of <see cref="Data"/>, or a clear when it is null.
/// Like every <see cref="IGrainStorage"/> change it is a compare-and-set on <see cref="ExpectedEtag"/>.
/// </summary>
public sealed record GrainStateWrite(string StateName, GrainId GrainId, ReadOnlyMemory<byte>? Data, string? ExpectedEtag)
{
    public bool IsClear => Data is null;
}
