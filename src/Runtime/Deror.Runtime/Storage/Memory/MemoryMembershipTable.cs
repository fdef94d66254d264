using System.Collections.ObjectModel;

namespace Deror.Runtime.Storage;

/// <summary>
/// One cluster's membership table kept in process memory. One lock covers the version row and the member rows,
/// so every compare-and-swap on the version (and on a row's etag) is exact under concurrency.
/// </summary>
public sealed class MemoryMembershipTable : IMembershipTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<SiloAddress, MembershipRow> _rows = [];
    private readonly MemoryEtagSequence _etags = new();
    private TableVersion? _version;

    public Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _version ??= new TableVersion(0, _etags.Next());
            return Task.CompletedTask;
        }
    }

    public Task<MembershipTableSnapshot> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            // Before InitializeAsync there is no version row: version 0 under an etag no write can match.
            return Task.FromResult(new MembershipTableSnapshot(_rows.Values.ToArray(), _version ?? new TableVersion(0, "")));
        }
    }

    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion newVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(newVersion);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!VersionEtagMatches(newVersion) || _rows.ContainsKey(entry.SiloAddress))
            {
                return Task.FromResult(false);
            }
            Write(entry, newVersion);
            return Task.FromResult(true);
        }
    }

    public Task<bool> UpdateRowAsync(MembershipEntry entry, string rowETag, TableVersion newVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(newVersion);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!VersionEtagMatches(newVersion)
                || !_rows.TryGetValue(entry.SiloAddress, out var row)
                || !string.Equals(row.ETag, rowETag, StringComparison.Ordinal))
            {
                return Task.FromResult(false);
            }
            Write(entry, newVersion);
            return Task.FromResult(true);
        }
    }

    public Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset iAmAliveTime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silo);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_rows.TryGetValue(silo, out var row))
            {
                _rows[silo] = row with { Entry = row.Entry with { IAmAliveTime = iAmAliveTime } };
            }
            return Task.CompletedTask;
        }
    }

    public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var defunct = _rows.Values
                .Where(row => row.Entry.Status == SiloStatus.Dead && row.Entry.IAmAliveTime < beforeDate)
                .Select(row => row.Entry.SiloAddress)
                .ToArray();
            foreach (var silo in defunct)
            {
                _rows.Remove(silo);
            }
            return Task.CompletedTask;
        }
    }

    private bool VersionEtagMatches(TableVersion newVersion)
        => _version is not null && string.Equals(_version.ETag, newVersion.ETag, StringComparison.Ordinal);

    private void Write(MembershipEntry entry, TableVersion newVersion)
    {
        // Copy the collections: the caller may keep mutating the ones it passed.
        var stored = entry with
        {
            SuspectVotes = entry.SuspectVotes.ToArray(),
            Metadata = new ReadOnlyDictionary<string, string>(entry.Metadata.ToDictionary(StringComparer.Ordinal)),
        };
        _rows[entry.SiloAddress] = new MembershipRow(stored, _etags.Next());
        _version = new TableVersion(newVersion.Version, _etags.Next());
    }
}
