using System.Collections.Concurrent;

namespace Deror.Runtime.Scheduling;

/// <summary>
/// Runs one activation's work items one at a time on the thread pool. Grain code that awaits resumes here
/// (await captures <see cref="TaskScheduler.Current"/>), so an activation is single-threaded even when its
/// requests interleave: interleaving happens only at await points, never in parallel.
/// </summary>
internal sealed class ActivationTaskScheduler(IGrainContext owner) : TaskScheduler, IThreadPoolWorkItem
{
    // A bounded batch keeps one busy activation from starving others sharing the pool.
    private const int MaxTasksPerTurn = 64;

    [ThreadStatic]
    private static ActivationTaskScheduler? _running;

    private readonly ConcurrentQueue<Task> _queue = new();
    private int _scheduled;

    /// <summary>The activation whose work is running on this thread, if any.</summary>
    public static IGrainContext? CurrentContext => _running?.Owner;

    public IGrainContext Owner { get; } = owner;

    public int QueuedCount => _queue.Count;

    public override int MaximumConcurrencyLevel => 1;

    /// <summary>Runs <paramref name="action"/> as a work item of this activation.</summary>
    public void Run(Action<object?> action, object? state)
        => Task.Factory.StartNew(action, state, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this);

    protected override void QueueTask(Task task)
    {
        _queue.Enqueue(task);
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }
    }

    // Inline only when already running this activation's turn on this thread: that keeps the one-at-a-time rule.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued)
        => _running == this && !taskWasPreviouslyQueued && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    void IThreadPoolWorkItem.Execute()
    {
        var previous = _running;
        _running = this;
        try
        {
            for (var i = 0; i < MaxTasksPerTurn && _queue.TryDequeue(out var task); i++)
            {
                TryExecuteTask(task);
            }
        }
        finally
        {
            _running = previous;
            // A full fence (not a release store): the emptiness check below must not be reordered before the clear,
            // or work queued in between would see the flag still set, not schedule us, and wait forever.
            Interlocked.Exchange(ref _scheduled, 0);
            if (!_queue.IsEmpty && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
            }
        }
    }
}
