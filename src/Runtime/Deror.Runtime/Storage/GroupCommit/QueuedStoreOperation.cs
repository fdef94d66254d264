namespace Deror.Runtime.Storage;

/// <summary>
/// An operation waiting in a group-commit queue: the queue's writer claims it, or its caller's cancellation does,
/// whichever comes first, so a cancelled caller's operation is never written and a claimed one always reports its outcome.
/// </summary>
internal sealed class QueuedStoreOperation<TItem, TResult> : TaskCompletionSource<TResult>
{
    private const int Queued = 0;
    private const int Claimed = 1;
    private const int Canceled = 2;

    private readonly CancellationTokenRegistration _registration;
    private int _state;

    public QueuedStoreOperation(TItem item, CancellationToken cancellationToken)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Item = item;
        _registration = cancellationToken.Register(static (state, token) => ((QueuedStoreOperation<TItem, TResult>)state!).Cancel(token), this);
    }

    public TItem Item { get; }

    public bool TryClaim()
    {
        if (Interlocked.CompareExchange(ref _state, Claimed, Queued) != Queued)
        {
            return false;
        }
        _registration.Dispose();
        return true;
    }

    private void Cancel(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref _state, Canceled, Queued) == Queued)
        {
            TrySetCanceled(token);
        }
    }
}
