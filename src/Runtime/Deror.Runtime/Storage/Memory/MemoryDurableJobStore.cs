using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;

namespace Deror.Runtime.Storage;

/// <summary>Durable-job rows kept in process memory; one lock makes every compare-and-set exact.</summary>
public sealed class MemoryDurableJobStore : IDurableJobStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DurableJobEntry> _jobs = new(StringComparer.Ordinal);
    private readonly MemoryEtagSequence _etags = new();

    public Task<string> AddAsync(DurableJobEntry job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(job.JobId);
        ArgumentNullException.ThrowIfNull(job.Metadata);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_jobs.ContainsKey(job.JobId))
            {
                throw new InvalidOperationException($"A durable job with id '{job.JobId}' already exists.");
            }
            var etag = _etags.Next();
            // Copy the metadata into a read-only dictionary: the caller may keep mutating the one it passed.
            _jobs.Add(job.JobId, job with { Metadata = new ReadOnlyDictionary<string, string>(job.Metadata.ToDictionary(StringComparer.Ordinal)), ETag = etag });
            return Task.FromResult(etag);
        }
    }

    public Task<DurableJobEntry?> ReadAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult(_jobs.GetValueOrDefault(jobId));
        }
    }

    public Task<IReadOnlyList<DurableJobEntry>> ReadDueAsync(uint begin, uint end, DateTimeOffset dueBy, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var due = _jobs.Values
                .Where(job => job.DueTime <= dueBy && RingRange.Contains(begin, end, job.TargetHash))
                .OrderBy(job => job.DueTime)
                .ThenBy(job => job.JobId, StringComparer.Ordinal)
                .Take(maxCount)
                .ToArray();
            return Task.FromResult<IReadOnlyList<DurableJobEntry>>(due);
        }
    }

    public Task<string?> RescheduleAsync(string jobId, DateTimeOffset dueTime, int attempt, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!TryGetMatching(jobId, etag, out var job))
            {
                return Task.FromResult<string?>(null);
            }
            var newEtag = _etags.Next();
            _jobs[jobId] = job with { DueTime = dueTime, Attempt = attempt, ETag = newEtag };
            return Task.FromResult<string?>(newEtag);
        }
    }

    public Task<bool> RemoveAsync(string jobId, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult(TryGetMatching(jobId, etag, out _) && _jobs.Remove(jobId));
        }
    }

    private bool TryGetMatching(string jobId, string etag, [NotNullWhen(true)] out DurableJobEntry? job)
        => _jobs.TryGetValue(jobId, out job) && string.Equals(job.ETag, etag, StringComparison.Ordinal);
}
