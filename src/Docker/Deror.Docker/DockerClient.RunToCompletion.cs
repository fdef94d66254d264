namespace Deror.Docker;

public sealed partial class DockerClient
{
    /// <summary>
    /// Create, start, wait (killing the container after <paramref name="timeout"/>), read its state and logs, and
    /// remove it — also when the run fails or is cancelled. A task that must survive its caller's restart uses the
    /// primitives instead, so that it can be found again by label. A cancellation while the engine is creating the
    /// container can leave it behind unknown to the caller: give the spec a label or name to find such strays by.
    /// </summary>
    /// <exception cref="DockerImageNotFoundException">The image is not present.</exception>
    public async Task<DockerRunResult> RunToCompletionAsync(
        DockerContainerSpec spec, TimeSpan? timeout = null, int? maxLogBytesPerStream = null, CancellationToken cancellationToken = default)
    {
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive.");
        }
        var id = await CreateContainerAsync(spec, cancellationToken);
        try
        {
            await StartContainerAsync(id, cancellationToken);
            var (wait, timedOut) = await WaitWithTimeoutAsync(id, timeout, cancellationToken);
            var info = await InspectExitedContainerAsync(id, killedByCaller: timedOut, cancellationToken);
            var logs = await GetLogsAsync(id, maxLogBytesPerStream, cancellationToken);
            await RemoveContainerAsync(id, force: true, cancellationToken);
            return new DockerRunResult(id, wait.ExitCode, timedOut, info.State.OomKilled, logs);
        }
        catch
        {
            // Not with the caller's token: a cancelled run must not leave its container behind. The original error wins.
            try
            {
                await RemoveContainerAsync(id, force: true, CancellationToken.None);
            }
            catch (Exception cleanup) when (cleanup is DockerException or TimeoutException)
            {
                DockerLog.CleanupFailed(_logger, cleanup, id);
            }
            throw;
        }
    }

    private async Task<(DockerWaitResult Wait, bool TimedOut)> WaitWithTimeoutAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } limit)
        {
            deadline.CancelAfter(limit);
        }
        try
        {
            return (await WaitContainerAsync(id, DockerWaitCondition.NotRunning, deadline.Token), false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await KillContainerAsync(id, cancellationToken: cancellationToken);
            return (await WaitContainerAsync(id, DockerWaitCondition.NotRunning, cancellationToken), true);
        }
    }
}
