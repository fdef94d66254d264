namespace Deror.Agent.Posix;

/// <summary>Stops a process by escalating signals, each given time to work, SIGKILL last.</summary>
public static class ProcessStopper
{
    /// <summary>How long to wait for the process to vanish after the final SIGKILL.</summary>
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);

    /// <summary>Exo's own app: SIGINT, 5 s, SIGTERM, 3 s, SIGKILL. The leader gets the graceful signals; SIGKILL takes the group.</summary>
    public static IReadOnlyList<StopStep> Graceful(TimeSpan interruptWait, TimeSpan terminateWait) =>
    [
        new(PosixSignal.Interrupt, WholeGroup: false, interruptWait),
        new(PosixSignal.Terminate, WholeGroup: false, terminateWait),
    ];

    /// <summary>For tasks: SIGTERM to the whole group, a grace period, then SIGKILL.</summary>
    public static IReadOnlyList<StopStep> TerminateGroup(TimeSpan grace) => [new(PosixSignal.Terminate, WholeGroup: true, grace)];

    /// <summary>
    /// Runs <paramref name="steps"/> until the process exits, then SIGKILL. Returns the signal that ended it (null
    /// when it had already exited). When the process leads its group, whatever is left of the group is killed at the
    /// end, so no grandchild outlives it. Throws <see cref="TimeoutException"/> if even SIGKILL does not end it.
    /// </summary>
    public static async Task<PosixSignal?> StopAsync(IProcessHandle process, IReadOnlyList<StopStep> steps, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(steps);
        PosixSignal? endedBy = null;
        foreach (var step in steps)
        {
            if (process.Exited.IsCompleted)
            {
                break;
            }
            Send(process, step.Signal, step.WholeGroup);
            endedBy = step.Signal;
            if (await ExitsWithin(process, step.Wait, cancellationToken).ConfigureAwait(false))
            {
                break;
            }
        }
        if (!process.Exited.IsCompleted)
        {
            Send(process, PosixSignal.Kill, wholeGroup: true);
            endedBy = PosixSignal.Kill;
            if (!await ExitsWithin(process, KillWait, cancellationToken).ConfigureAwait(false))
            {
                throw new TimeoutException($"Process {process.Pid} did not exit within {KillWait.TotalSeconds:0} s of SIGKILL.");
            }
        }
        if (process.LeadsGroup)
        {
            PosixProcesses.SignalGroup(process.Pid, PosixSignal.Kill);
        }
        return endedBy;
    }

    private static void Send(IProcessHandle process, PosixSignal signal, bool wholeGroup)
    {
        if (wholeGroup && process.LeadsGroup)
        {
            PosixProcesses.SignalGroup(process.Pid, signal);
        }
        else
        {
            PosixProcesses.Signal(process.Pid, signal);
        }
    }

    private static async Task<bool> ExitsWithin(IProcessHandle process, TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            await process.Exited.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
