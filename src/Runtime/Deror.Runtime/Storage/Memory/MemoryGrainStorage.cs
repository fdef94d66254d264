namespace Deror.Runtime.Storage;

/// <summary>
/// Grain state kept in process memory: the default provider for tests and single-silo development.
/// Every operation runs under one lock, so the etag compare-and-set is exact under concurrency.
/// </summary>
public sealed class MemoryGrainStorage : IGrainStorage
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string StateName, GrainId GrainId), GrainStateRecord> _records = [];
    private readonly MemoryEtagSequence _etags = new();

    public Task<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            // Hand out a copy: the caller must not be able to change what is stored.
            return Task.FromResult(_records.TryGetValue((stateName, grainId), out var record)
                ? record with { Data = record.Data.ToArray() }
                : null);
        }
    }

    public Task<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> data, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var key = (stateName, grainId);
            ThrowIfEtagMismatch(key, expectedEtag, "write");
            var etag = _etags.Next();
            _records[key] = new GrainStateRecord(data.ToArray(), etag);
            return Task.FromResult(etag);
        }
    }

    public Task ClearAsync(string stateName, GrainId grainId, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var key = (stateName, grainId);
            ThrowIfEtagMismatch(key, expectedEtag, "clear");
            _records.Remove(key);
            return Task.CompletedTask;
        }
    }

    private void ThrowIfEtagMismatch((string StateName, GrainId GrainId) key, string? expectedEtag, string operation)
    {
        var storedEtag = _records.TryGetValue(key, out var record) ? record.Etag : null;
        if (!string.Equals(storedEtag, expectedEtag, StringComparison.Ordinal))
        {
            throw new InconsistentStateException(
                $"Cannot {operation} state '{key.StateName}' of grain {key.GrainId}: stored etag is {storedEtag ?? "none"}, expected {expectedEtag ?? "none"}.",
                storedEtag,
                expectedEtag);
        }
    }
}
