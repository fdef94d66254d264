using System.Globalization;
using Deror.Agent.Posix;
using Deror.Grains;

namespace Deror.Agent.Execution;

/// <summary>
/// Runs process tasks in their own process group with stdout and stderr captured (bounded). Cancellation and
/// timeouts stop the whole group, grandchildren included: SIGTERM, then SIGKILL after the grace period.
/// </summary>
internal sealed class ProcessTaskExecutor(TaskExecutionOptions options) : ITaskExecutor
{
    /// <summary>How long to wait for the output pipes to close after the group is gone (a process that left the group may hold them).</summary>
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(2);

    public TaskKind Kind => TaskKind.Process;

    public async Task<TaskOutcome> ExecuteAsync(TaskExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        if (!options.EnableProcesses)
        {
            return TaskOutcomes.Failed("Process tasks are disabled on this node (Deror:Sidecar:Tasks:EnableProcesses).");
        }
        if (execution.Spec.Process is not { } spec)
        {
            return TaskOutcomes.MissingSpec(TaskKind.Process);
        }
        if (string.IsNullOrWhiteSpace(spec.Command))
        {
            return TaskOutcomes.Failed("The process spec has no command.");
        }

        SessionProcess process;
        try
        {
            process = SessionProcess.Start(new ProcessLaunch
            {
                Command = spec.Command,
                Arguments = spec.Arguments,
                Environment = spec.Environment,
                WorkingDirectory = spec.WorkingDirectory,
                CaptureOutput = true,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or System.ComponentModel.Win32Exception)
        {
            return TaskOutcomes.Failed(e.Message);
        }

        using (process)
        {
            var output = new BoundedOutput(options.MaxLogBytes) { Live = execution.Output };
            var pumps = Task.WhenAll(output.PumpAsync(process.StandardOutput.BaseStream, CancellationToken.None), output.PumpAsync(process.StandardError.BaseStream, CancellationToken.None));
            PosixSignal? stoppedBy = null;
            try
            {
                await process.Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                stoppedBy = await ProcessStopper.StopAsync(process, ProcessStopper.TerminateGroup(options.KillGracePeriod), CancellationToken.None).ConfigureAwait(false);
            }
            // The task is its whole group: whatever the leader left behind goes with it, which also closes the pipes.
            PosixProcesses.SignalGroup(process.Pid, PosixSignal.Kill);
            await pumps.WaitAsync(OutputDrainTimeout, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

            var exitCode = process.ExitCode;
            var outcome = stoppedBy is { } signal
                ? new TaskOutcome { Succeeded = false, ExitCode = exitCode, Error = $"Stopped with {SignalName(signal)}." }
                : exitCode == 0
                    ? new TaskOutcome { Succeeded = true, ExitCode = 0 }
                    : new TaskOutcome { Succeeded = false, ExitCode = exitCode, Error = $"Exited with code {exitCode.ToString(CultureInfo.InvariantCulture)}." };
            return TaskOutcomes.WithLogs(outcome, output);
        }
    }

    /// <summary>A process dies with the silo that ran it (or runs on unobserved): it cannot be picked up.</summary>
    public bool CanResume => false;

    public Task<TaskOutcome> ResumeAsync(TaskExecution execution, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Process tasks cannot be resumed after a silo restart.");

    private static string SignalName(PosixSignal signal) => signal switch
    {
        PosixSignal.Terminate => "SIGTERM",
        PosixSignal.Kill => "SIGKILL",
        PosixSignal.Interrupt => "SIGINT",
        _ => signal.ToString(),
    };
}
