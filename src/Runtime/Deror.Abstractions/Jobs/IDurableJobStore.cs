namespace Deror.Runtime;

/// <summary>
/// Durable one-shot jobs. A job row stays until its handler succeeds or it gives up; every change is
/// compare-and-set on the row's etag so two silos can never both complete or reschedule one job.
/// </summary>
public interface IDurableJobStore
{
    /// <summary>Stores a new job; returns its etag. The job id must be unique: a duplicate throws <see cref="InvalidOperationException"/>.</summary>
    Task<string> AddAsync(DurableJobEntry job, CancellationToken cancellationToken = default);

    Task<DurableJobEntry?> ReadAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Jobs due at or before <paramref name="dueBy"/> whose target hash lies in the ring range
    /// (<paramref name="begin"/>, <paramref name="end"/>] (see <see cref="RingRange"/>), earliest first, at most <paramref name="maxCount"/>.
    /// </summary>
    Task<IReadOnlyList<DurableJobEntry>> ReadDueAsync(uint begin, uint end, DateTimeOffset dueBy, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>Moves the job to a new due time and attempt count; returns the new etag, or null if the etag no longer matches.</summary>
    Task<string?> RescheduleAsync(string jobId, DateTimeOffset dueTime, int attempt, string etag, CancellationToken cancellationToken = default);

    /// <summary>Removes the job if its etag matches (completion, give-up or cancel); false otherwise.</summary>
    Task<bool> RemoveAsync(string jobId, string etag, CancellationToken cancellationToken = default);

    /// <summary>
    /// The stored jobs among <paramref name="jobIds"/> (missing ones are left out, order is not kept): how a silo checks
    /// a batch of jobs it holds in memory just before running them. Providers override this with one query.
    /// </summary>
    async Task<IReadOnlyList<DurableJobEntry>> ReadManyAsync(IReadOnlyList<string> jobIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobIds);
        var jobs = new List<DurableJobEntry>(jobIds.Count);
        foreach (var jobId in jobIds)
        {
            if (await ReadAsync(jobId, cancellationToken).ConfigureAwait(false) is { } job)
            {
                jobs.Add(job);
            }
        }
        return jobs;
    }

    /// <summary>
    /// Removes each job whose etag still matches, as <see cref="RemoveAsync"/> would one by one; returns the ids removed.
    /// How a silo acknowledges a batch of completed jobs; providers override this with one transaction or round trip.
    /// </summary>
    async Task<IReadOnlySet<string>> RemoveManyAsync(IReadOnlyList<(string JobId, string ETag)> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var removed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (jobId, etag) in jobs)
        {
            if (await RemoveAsync(jobId, etag, cancellationToken).ConfigureAwait(false))
            {
                removed.Add(jobId);
            }
        }
        return removed;
    }
}

/// <summary>One stored job. <see cref="Attempt"/> counts deliveries already tried (0 before the first).</summary>
public sealed record DurableJobEntry(
    string JobId,
    GrainId Target,
    string JobName,
    DateTimeOffset DueTime,
    int Attempt,
    IReadOnlyDictionary<string, string> Metadata,
    string? ETag = null)
{
    public uint TargetHash => Target.GetUniformHashCode();
}
