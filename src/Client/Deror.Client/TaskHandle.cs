using Deror.Grains;

namespace Deror.Client;

/// <summary>A submitted task: read it, wait for it, cancel it, read its logs.</summary>
public sealed class TaskHandle
{
    /// <summary>How long one long poll is held by the task (well below the call timeout).</summary>
    private static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(10);

    private readonly ITaskGrain _grain;

    internal TaskHandle(IGrainFactory grains, string id)
    {
        Id = id;
        _grain = grains.GetGrain<ITaskGrain>(id);
    }

    public string Id { get; }

    public Task<TaskInfo> GetInfoAsync() => _grain.GetInfo();

    public Task<TaskLogs> GetLogsAsync() => _grain.GetLogs();

    public Task<TaskInfo> CancelAsync(string reason = "cancelled by the user") => _grain.Cancel(reason);

    /// <summary>Waits until the task has finished (Completed, Failed, Cancelled or TimedOut); <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<TaskInfo> WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } limit)
        {
            deadline.CancelAfter(limit);
        }
        try
        {
            while (true)
            {
                // The task answers as soon as it ends: no polling delay, one call per task in the common case.
                var info = await _grain.WaitForEnd(LongPoll).WaitAsync(deadline.Token).ConfigureAwait(false);
                if (info.State.IsTerminal())
                {
                    return info;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Task '{Id}' did not finish within {timeout}.");
        }
    }

    public override string ToString() => Id;
}
