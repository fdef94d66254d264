namespace Deror.Runtime.Storage;

/// <summary>One cluster's grain directory kept in process memory; one lock makes every compare-and-set exact.</summary>
public sealed class MemoryGrainDirectory : IGrainDirectory
{
    private readonly Lock _lock = new();
    private readonly Dictionary<GrainId, GrainAddress> _entries = [];

    public Task<GrainAddress> RegisterAsync(GrainAddress address, GrainAddress? previousAddress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_entries.TryGetValue(address.GrainId, out var existing) && !existing.Matches(previousAddress))
            {
                return Task.FromResult(existing);
            }
            _entries[address.GrainId] = address;
            return Task.FromResult(address);
        }
    }

    public Task<bool> UnregisterAsync(GrainAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult(address.Matches(_entries.GetValueOrDefault(address.GrainId)) && _entries.Remove(address.GrainId));
        }
    }

    public Task<GrainAddress?> LookupAsync(GrainId grainId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult(_entries.GetValueOrDefault(grainId));
        }
    }

    public Task UnregisterSilosAsync(IReadOnlyCollection<SiloAddress> silos, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silos);
        cancellationToken.ThrowIfCancellationRequested();
        var dead = silos.ToHashSet();
        lock (_lock)
        {
            foreach (var grainId in _entries.Values.Where(entry => dead.Contains(entry.SiloAddress)).Select(entry => entry.GrainId).ToArray())
            {
                _entries.Remove(grainId);
            }
            return Task.CompletedTask;
        }
    }
}
