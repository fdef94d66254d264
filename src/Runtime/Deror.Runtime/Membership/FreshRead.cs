namespace Deror.Runtime.Membership;

/// <summary>
/// Runs an operation for callers that need a result no older than their call, sharing runs between them: a caller
/// that arrives while a run is in flight waits for the next one (the one in flight may have started before its
/// call), and every caller that arrives meanwhile shares that next run. So runs go back to back at most, however
/// many callers there are.
/// </summary>
internal sealed class FreshRead(Func<Task> operation)
{
    private readonly object _lock = new();
    private Task _running = Task.CompletedTask;
    private Task? _next;

    public Task RunAsync()
    {
        lock (_lock)
        {
            if (_next is not null)
            {
                return _next;
            }
            if (_running.IsCompleted)
            {
                return _running = operation();
            }
            return _next = RunAfterAsync(_running);
        }
    }

    private async Task RunAfterAsync(Task previous)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Task run;
        lock (_lock)
        {
            // From here on, new callers arrive after this run starts, so they may not share it.
            run = _running = operation();
            _next = null;
        }
        await run.ConfigureAwait(false);
    }
}
