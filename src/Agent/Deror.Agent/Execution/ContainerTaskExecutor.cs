using System.Globalization;
using System.Text;
using Deror.Docker;
using Deror.Grains;

namespace Deror.Agent.Execution;

/// <summary>
/// Runs container tasks through the node's Docker engine: create (CPU and memory limits from the task's resources),
/// start, wait, logs, remove. Containers carry the task id and attempt as labels and outlive the silo, so a restarted
/// silo finds a running attempt again and waits for it instead of running it twice. While a container runs, its logs
/// are read again every <see cref="TaskExecutionOptions.LiveOutputInterval"/> and what is new goes to the live output.
/// Owns its Docker client.
/// </summary>
internal sealed class ContainerTaskExecutor(DockerClient docker, TaskExecutionOptions options) : ITaskExecutor, IDisposable
{
    public const string TaskLabel = "deror.task";
    public const string AttemptLabel = "deror.attempt";
    public const string NodeLabel = "deror.node";

    public TaskKind Kind => TaskKind.Container;

    /// <summary>The container keeps running while the silo restarts.</summary>
    public bool CanResume => true;

    public async Task<TaskOutcome> ExecuteAsync(TaskExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        if (!options.EnableContainers)
        {
            return TaskOutcomes.Failed("Container tasks are disabled on this node (Deror:Sidecar:Tasks:EnableContainers).");
        }
        if (execution.Spec.Container is not { } spec)
        {
            return TaskOutcomes.MissingSpec(TaskKind.Container);
        }
        var resources = execution.Spec.Resources;
        var container = new DockerContainerSpec
        {
            Image = spec.Image,
            Command = spec.Command.Count == 0 ? null : spec.Command,
            Environment = spec.Environment,
            WorkingDirectory = spec.WorkingDirectory,
            Labels = LabelsOf(execution),
            NanoCpus = resources.CpuCores > 0 ? (long)(resources.CpuCores * 1_000_000_000) : null,
            MemoryBytes = resources.MemoryBytes > 0 ? resources.MemoryBytes : null,
            NetworkMode = options.ContainerNetwork,
        };
        try
        {
            container.Validate();
        }
        catch (ArgumentException e)
        {
            return TaskOutcomes.Failed($"Invalid container spec: {e.Message}");
        }

        string id;
        try
        {
            id = await docker.CreateContainerAsync(container, CancellationToken.None).ConfigureAwait(false);
            await docker.StartContainerAsync(id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (DockerImageNotFoundException)
        {
            return TaskOutcomes.Failed($"Image {spec.Image} is not present on node {execution.Node}.");
        }
        catch (DockerException e)
        {
            await RemoveQuietlyAsync(execution).ConfigureAwait(false);
            return TaskOutcomes.Failed($"Docker could not start the container: {e.Message}");
        }
        return await FollowAsync(id, execution.Output, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TaskOutcome> ResumeAsync(TaskExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        var found = await docker.ListContainersAsync(
            new Dictionary<string, string?> { [TaskLabel] = execution.TaskId, [AttemptLabel] = Attempt(execution) },
            includeStopped: true,
            cancellationToken).ConfigureAwait(false);
        return found.Count == 0
            ? TaskOutcomes.Failed($"The silo on node {execution.Node} restarted and no container of attempt {execution.Attempt} was found.")
            : await FollowAsync(found[0].Id, execution.Output, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for the container (killing it when cancelled), collects its exit code and logs, and removes it.</summary>
    private async Task<TaskOutcome> FollowAsync(string id, ILiveOutput? live, CancellationToken cancellationToken)
    {
        try
        {
            bool stopped;
            DockerWaitResult exit;
            using (var running = new CancellationTokenSource())
            {
                var tail = live is null ? Task.CompletedTask : TailLogsAsync(id, live, running.Token);
                try
                {
                    exit = await docker.WaitContainerAsync(id, DockerWaitCondition.NotRunning, cancellationToken).ConfigureAwait(false);
                    stopped = false;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // SIGTERM, then SIGKILL after the grace period: what cancelling a process task does.
                    await docker.StopContainerAsync(id, options.KillGracePeriod, CancellationToken.None).ConfigureAwait(false);
                    exit = await docker.WaitContainerAsync(id, DockerWaitCondition.NotRunning, CancellationToken.None).ConfigureAwait(false);
                    stopped = true;
                }
                finally
                {
                    await running.CancelAsync().ConfigureAwait(false);
                    await tail.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
            var info = await docker.InspectExitedContainerAsync(id, killedByCaller: stopped, CancellationToken.None).ConfigureAwait(false);
            var logs = await docker.GetLogsAsync(id, options.MaxLogBytes, CancellationToken.None).ConfigureAwait(false);
            var code = (int)exit.ExitCode;
            var outcome = stopped
                ? new TaskOutcome { Succeeded = false, ExitCode = code, Error = "Stopped." }
                : info.State.OomKilled
                    ? new TaskOutcome { Succeeded = false, ExitCode = code, Error = "Killed for exceeding its memory limit." }
                    : code == 0
                        ? new TaskOutcome { Succeeded = true, ExitCode = 0 }
                        : new TaskOutcome { Succeeded = false, ExitCode = code, Error = $"Exited with code {code.ToString(CultureInfo.InvariantCulture)}." };
            return outcome with { Logs = LogsText(logs), LogsTruncated = logs.Truncated };
        }
        finally
        {
            try
            {
                await docker.RemoveContainerAsync(id, force: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (DockerException)
            {
                // Already gone; a container left behind carries its task's labels.
            }
        }
    }

    public void Dispose() => docker.Dispose();

    /// <summary>Sends what is new in the container's logs every interval until the container stops.</summary>
    private async Task TailLogsAsync(string id, ILiveOutput live, CancellationToken cancellationToken)
    {
        var (stdout, stderr) = ("", "");
        using var timer = new PeriodicTimer(options.LiveOutputInterval);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            DockerLogs logs;
            try
            {
                logs = await docker.GetLogsAsync(id, options.MaxLogBytes, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerException)
            {
                continue; // best effort: the final logs come with the outcome
            }
            live.Write(Encoding.UTF8.GetBytes(TextTail.Added(stdout, logs.Stdout) + TextTail.Added(stderr, logs.Stderr)));
            (stdout, stderr) = (logs.Stdout, logs.Stderr);
        }
    }

    private async Task RemoveQuietlyAsync(TaskExecution execution)
    {
        try
        {
            foreach (var stray in await docker.ListContainersAsync(new Dictionary<string, string?> { [TaskLabel] = execution.TaskId, [AttemptLabel] = Attempt(execution) }).ConfigureAwait(false))
            {
                await docker.RemoveContainerAsync(stray.Id).ConfigureAwait(false);
            }
        }
        catch (DockerException)
        {
        }
    }

    private static Dictionary<string, string> LabelsOf(TaskExecution execution) => new(StringComparer.Ordinal)
    {
        [TaskLabel] = execution.TaskId,
        [AttemptLabel] = Attempt(execution),
        [NodeLabel] = execution.Node,
    };

    private static string Attempt(TaskExecution execution) => execution.Attempt.ToString(CultureInfo.InvariantCulture);

    private static string LogsText(DockerLogs logs)
    {
        var stdout = (logs.StdoutTruncated ? "[output truncated]\n" : "") + logs.Stdout;
        return logs.Stderr.Length == 0 ? stdout : stdout + (logs.StderrTruncated ? "[stderr, truncated]\n" : "[stderr]\n") + logs.Stderr;
    }
}
