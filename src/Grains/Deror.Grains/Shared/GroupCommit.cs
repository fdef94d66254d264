namespace Deror.Grains;

/// <summary>
/// Group commit of one grain's state. A write asked for while another is in flight waits for the next one, which
/// covers every change made up to its start: N interleaved requests cost two writes, not N. Each caller's task
/// completes once a write that started after its change is durable (or fails with that write's error). Used only
/// on the activation's own scheduler, so it needs no locks.
/// </summary>
internal sealed class GroupCommit(Func<Task> write)
{
    private bool _writing;
    private TaskCompletionSource? _next;

    /// <summary>Persists the state as it is now, sharing a write with concurrent callers.</summary>
    public Task WriteAsync()
    {
        if (_writing)
        {
            _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _next.Task;
        }
        _writing = true;
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = RunAsync(first);
        return first.Task;
    }

    private async Task RunAsync(TaskCompletionSource current)
    {
        while (true)
        {
            try
            {
                await write();
                current.SetResult();
            }
            catch (Exception e)
            {
                current.SetException(e);
            }
            if (_next is not { } next)
            {
                _writing = false;
                return;
            }
            _next = null;
            current = next;
        }
    }
}
