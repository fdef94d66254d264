namespace Deror.Runtime;

/// <summary>
/// Stores grain state records as opaque bytes with an etag. Every write is a compare-and-set: it succeeds
/// only if the stored etag equals <c>expectedEtag</c> (null meaning "no record exists"). A provider never hands out
/// the same etag twice for a record, not even after a clear, so a stale writer cannot overwrite a re-created record.
/// </summary>
public interface IGrainStorage
{
    /// <summary>The stored record, or null if there is none.</summary>
    Task<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken = default);

    /// <summary>Writes the record and returns its new etag; throws <see cref="InconsistentStateException"/> on an etag mismatch.</summary>
    Task<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> data, string? expectedEtag, CancellationToken cancellationToken = default);

    /// <summary>Deletes the record; throws <see cref="InconsistentStateException"/> on an etag mismatch. Clearing a missing record with a null etag succeeds.</summary>
    Task ClearAsync(string stateName, GrainId grainId, string? expectedEtag, CancellationToken cancellationToken = default);
}

/// <summary>One stored grain state record.</summary>
public sealed record GrainStateRecord(byte[] Data, string Etag);

/// <summary>Names of the built-in storage providers.</summary>
public static class GrainStorageNames
{
    /// <summary>The provider used when <see cref="PersistentStateAttribute.StorageName"/> is null.</summary>
    public const string Default = "Default";
}

/// <summary>
/// A write found a different etag in the store than the one it expected: another activation (or process)
/// wrote the record. When this escapes a grain method the runtime deactivates that activation so the next
/// call reloads fresh state.
/// </summary>
public class InconsistentStateException : DerorException
{
    /// <summary>As recreated on the caller's side of a grain call, where only the message travels.</summary>
    public InconsistentStateException(string message)
        : this(message, null, null)
    {
    }

    public InconsistentStateException(string message, string? storedEtag, string? currentEtag)
        : base(message)
    {
        StoredEtag = storedEtag;
        CurrentEtag = currentEtag;
    }

    /// <summary>The etag found in the store (null if the record does not exist).</summary>
    public string? StoredEtag { get; }

    /// <summary>The etag the writer expected.</summary>
    public string? CurrentEtag { get; }
}
