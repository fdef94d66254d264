using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Deror.Runtime.Storage;

/// <summary>
/// Group commit for a store provider: concurrent operations (from many grains) queue here, and one writer loop hands
/// everything that is waiting to <c>commit</c> as one group, in queue order, so the cost of a transaction (or round
/// trip) is shared by every caller that arrived while the previous one ran. The provider applies a group in one
/// transaction, each operation in order and with its own checks, and returns one outcome per operation: an operation
/// that fails its own check fails only its caller. A commit that fails as a whole fails every operation of its group.
/// </summary>
/// <typeparam name="TItem">One queued operation.</typeparam>
/// <typeparam name="TResult">What its caller gets once its group is committed.</typeparam>
public sealed partial class GroupCommitQueue<TItem, TResult> : IDisposable
{
    private readonly Channel<QueuedStoreOperation<TItem, TResult>> _pending = Channel.CreateUnbounded<QueuedStoreOperation<TItem, TResult>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TItem>, Task<IReadOnlyList<GroupCommitOutcome<TResult>>>> _commit;
    private readonly Func<TItem, int> _size;
    private readonly int _maxGroupSize;
    private readonly string _operations;
    private readonly ILogger _logger;
    private readonly Task _writer;

    /// <param name="commit">Applies a group in one transaction; one outcome per operation, in order.</param>
    /// <param name="size">An operation's share of a group (1, or e.g. its number of rows).</param>
    /// <param name="maxGroupSize">Bounds one transaction's size and how long it holds the store's write lock; a larger operation still commits alone, whole.</param>
    /// <param name="operations">What the operations are, for messages ("grain state changes").</param>
    public GroupCommitQueue(
        Func<IReadOnlyList<TItem>, Task<IReadOnlyList<GroupCommitOutcome<TResult>>>> commit,
        Func<TItem, int> size,
        int maxGroupSize,
        string operations,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentNullException.ThrowIfNull(size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxGroupSize);
        ArgumentNullException.ThrowIfNull(logger);
        _commit = commit;
        _size = size;
        _maxGroupSize = maxGroupSize;
        _operations = operations;
        _logger = logger;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Queues an operation and completes with its outcome once its group is committed. Cancellation only takes effect
    /// while the operation still waits in the queue: once the writer has taken it, its outcome is reported.
    /// </summary>
    public Task<TResult> EnqueueAsync(TItem item, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(cancellationToken);
        }
        var pending = new QueuedStoreOperation<TItem, TResult>(item, cancellationToken);
        if (!_pending.Writer.TryWrite(pending))
        {
            pending.TryClaim();
            throw new ObjectDisposedException(nameof(GroupCommitQueue<TItem, TResult>), $"The store taking {_operations} is disposed.");
        }
        return pending.Task;
    }

    /// <summary>Stops taking operations and waits until those already queued are committed.</summary>
    public void Dispose()
    {
        _pending.Writer.TryComplete();
        _writer.GetAwaiter().GetResult();
    }

    private async Task WriteLoopAsync()
    {
        var reader = _pending.Reader;
        var group = new List<QueuedStoreOperation<TItem, TResult>>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var size = 0;
            while (reader.TryPeek(out var next) && (group.Count == 0 || size + _size(next.Item) <= _maxGroupSize))
            {
                reader.TryRead(out _);
                if (next.TryClaim())
                {
                    group.Add(next);
                    size += _size(next.Item);
                }
            }
            if (group.Count > 0)
            {
                await CommitAsync(group).ConfigureAwait(false);
                group.Clear();
            }
        }
    }

    private async Task CommitAsync(List<QueuedStoreOperation<TItem, TResult>> group)
    {
        try
        {
            var outcomes = await _commit([.. group.Select(pending => pending.Item)]).ConfigureAwait(false);
            if (outcomes.Count != group.Count)
            {
                throw new InvalidOperationException($"The commit returned {outcomes.Count} outcomes for {group.Count} {_operations}.");
            }
            for (var i = 0; i < group.Count; i++)
            {
                if (outcomes[i].Error is { } error)
                {
                    group[i].TrySetException(error);
                }
                else
                {
                    group[i].TrySetResult(outcomes[i].Result);
                }
            }
        }
        catch (Exception exception)
        {
            LogGroupCommitFailed(_logger, exception, group.Count, _operations);
            foreach (var pending in group)
            {
                pending.TrySetException(exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Committing a group of {Count} {Operations} failed; none of them was stored")]
    private static partial void LogGroupCommitFailed(ILogger logger, Exception exception, int count, string operations);
}

/// <summary>What a group commit did with one operation: its result, or the error that failed only that operation.</summary>
public readonly record struct GroupCommitOutcome<TResult>(TResult Result, Exception? Error)
{
    public static GroupCommitOutcome<TResult> Succeeded(TResult result) => new(result, null);

    public static GroupCommitOutcome<TResult> Failed(Exception error) => new(default!, error);
}
