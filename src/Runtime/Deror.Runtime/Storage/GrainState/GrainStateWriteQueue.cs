using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Deror.Runtime.Storage;

/// <summary>
/// Group commit for a grain storage provider: concurrent writes and clears (from many grains) queue here and one
/// writer loop hands everything that is waiting to <c>commit</c> as one group, in queue order, so one transaction's
/// cost is shared by every caller that arrived while the previous one ran. The provider applies the group in one
/// transaction, each change with its own etag check, in order (so two changes of one record behave as if committed
/// one after the other), and returns one outcome per change: a conflict fails only its own caller. A commit that
/// fails as a whole fails every change of its group.
/// </summary>
public sealed partial class GrainStateWriteQueue : IDisposable
{
    /// <summary>Changes per group at most: bounds one transaction's size and how long it holds the store's write lock.</summary>
    public const int MaxWritesPerGroup = 256;

    private readonly Channel<QueuedStoreOperation<GrainStateWrite, string?>> _pending = Channel.CreateUnbounded<QueuedStoreOperation<GrainStateWrite, string?>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<GrainStateWrite>, Task<IReadOnlyList<GrainStateWriteOutcome>>> _commit;
    private readonly ILogger _logger;
    private readonly Task _writer;

    public GrainStateWriteQueue(Func<IReadOnlyList<GrainStateWrite>, Task<IReadOnlyList<GrainStateWriteOutcome>>> commit, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentNullException.ThrowIfNull(logger);
        _commit = commit;
        _logger = logger;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Queues a change and completes with its outcome once its group is committed: the new etag, null after a clear,
    /// or <see cref="InconsistentStateException"/> on an etag mismatch. Cancellation only takes effect while the change
    /// still waits in the queue: once the writer has taken it, its outcome is reported.
    /// </summary>
    public Task<string?> EnqueueAsync(GrainStateWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(write.StateName);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<string?>(cancellationToken);
        }
        // A copy: the caller may reuse its buffer before the group is committed.
        var pending = new QueuedStoreOperation<GrainStateWrite, string?>(write.Data is { } data ? write with { Data = data.ToArray() } : write, cancellationToken);
        if (!_pending.Writer.TryWrite(pending))
        {
            pending.TryClaim();
            throw new ObjectDisposedException(nameof(GrainStateWriteQueue), "The grain storage is disposed.");
        }
        return pending.Task;
    }

    /// <summary>Stops taking changes and waits until those already queued are committed.</summary>
    public void Dispose()
    {
        _pending.Writer.TryComplete();
        _writer.GetAwaiter().GetResult();
    }

    private async Task WriteLoopAsync()
    {
        var reader = _pending.Reader;
        var group = new List<QueuedStoreOperation<GrainStateWrite, string?>>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (group.Count < MaxWritesPerGroup && reader.TryRead(out var next))
            {
                if (next.TryClaim())
                {
                    group.Add(next);
                }
            }
            if (group.Count > 0)
            {
                await CommitAsync(group).ConfigureAwait(false);
                group.Clear();
            }
        }
    }

    private async Task CommitAsync(List<QueuedStoreOperation<GrainStateWrite, string?>> group)
    {
        try
        {
            var outcomes = await _commit([.. group.Select(pending => pending.Item)]).ConfigureAwait(false);
            if (outcomes.Count != group.Count)
            {
                throw new InvalidOperationException($"The grain state commit returned {outcomes.Count} outcomes for {group.Count} changes.");
            }
            for (var i = 0; i < group.Count; i++)
            {
                if (outcomes[i].Conflict is { } conflict)
                {
                    group[i].TrySetException(conflict);
                }
                else
                {
                    group[i].TrySetResult(outcomes[i].Etag);
                }
            }
        }
        catch (Exception exception)
        {
            LogGroupCommitFailed(_logger, exception, group.Count);
            foreach (var pending in group)
            {
                pending.TrySetException(exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Committing a group of {Writes} grain state changes failed; none of them was stored")]
    private static partial void LogGroupCommitFailed(ILogger logger, Exception exception, int writes);
}
