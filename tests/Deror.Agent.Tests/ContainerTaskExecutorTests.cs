using Deror.Agent.Execution;
using Deror.Docker;
using Deror.Grains;
using Deror.Testing.Servers;

namespace Deror.Agent.Tests;

/// <summary>A private dockerd (its own containerd, socket and data dir) for the container executor's tests.</summary>
public sealed class PrivateDockerFixture : IDisposable
{
    public DockerEngine Engine { get; } = DockerEngine.StartNew();

    public void Dispose() => Engine.Dispose();
}

public sealed class ContainerTaskExecutorTests(PrivateDockerFixture docker) : IClassFixture<PrivateDockerFixture>, IDisposable
{
    private readonly DockerClient _client = new(new DockerClientOptions { SocketPath = docker.Engine.SocketPath });
    private readonly string _taskId = "t-" + Guid.NewGuid().ToString("N")[..12];

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Runs_the_container_with_limits_and_reports_exit_code_and_logs()
    {
        using var executor = Executor();
        var outcome = await executor.ExecuteAsync(Execution(["sh", "-c", "echo out $GREETING; echo err >&2; exit 7"],
            new ResourceRequest { CpuCores = 0.5, MemoryBytes = 64L << 20 }), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(7, outcome.ExitCode);
        Assert.Equal("Exited with code 7.", outcome.Error);
        Assert.StartsWith("out hello\n", outcome.Logs, StringComparison.Ordinal);
        Assert.Contains("[stderr]\nerr\n", outcome.Logs, StringComparison.Ordinal);
        Assert.Empty(await Containers()); // removed
    }

    [Fact]
    public async Task Containers_carry_task_labels_and_limits_and_cancellation_stops_and_removes_them()
    {
        using var executor = Executor();
        using var cancel = new CancellationTokenSource();
        var running = executor.ExecuteAsync(Execution(["sleep", "60"], new ResourceRequest { CpuCores = 0.5, MemoryBytes = 64L << 20 }), cancel.Token);
        await WaitUntilAsync(async () => (await Containers()).Any(c => c.Status == DockerContainerStatus.Running));
        var container = (await Containers()).Single();
        var info = await _client.InspectContainerAsync(container.Id);

        Assert.Equal("1", container.Labels[ContainerTaskExecutor.AttemptLabel]);
        Assert.Equal("node-a", container.Labels[ContainerTaskExecutor.NodeLabel]);
        Assert.Equal(500_000_000, info.NanoCpus);
        Assert.Equal(64L << 20, info.MemoryBytes);

        await cancel.CancelAsync();
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("Stopped.", outcome.Error);
        Assert.Empty(await Containers());
    }

    [Fact]
    public async Task A_running_container_sends_its_output_live_before_it_ends()
    {
        using var executor = Executor();
        using var cancel = new CancellationTokenSource();
        var live = new RecordedOutput();
        var running = executor.ExecuteAsync(Execution(["sh", "-c", "echo first; sleep 60"], new ResourceRequest()) with { Output = live }, cancel.Token);

        await WaitUntilAsync(() => Task.FromResult(live.Text.Contains("first\n", StringComparison.Ordinal)));
        Assert.False(running.IsCompleted);
        await Task.Delay(300); // a few more reads of the same logs
        await cancel.CancelAsync();
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("first\n", outcome.Logs);
        Assert.Equal("first\n", live.Text); // sent once, however often the logs are read
    }

    [Fact]
    public async Task An_absent_image_fails_clearly()
    {
        using var executor = Executor();
        var spec = new TaskSpec { Kind = TaskKind.Container, Container = new ContainerSpec { Image = "deror-absent:1.0" } };
        var outcome = await executor.ExecuteAsync(new TaskExecution(_taskId, 1, spec, "node-a"), CancellationToken.None);
        Assert.Equal("Image deror-absent:1.0 is not present on node node-a.", outcome.Error);
    }

    [Fact]
    public async Task A_restarted_silo_resumes_the_running_container_of_the_attempt_by_its_labels()
    {
        // The previous silo started attempt 2 and died: its container runs on, labelled with the task and attempt.
        var id = await _client.CreateContainerAsync(new DockerContainerSpec
        {
            Image = DockerEngine.BusyboxImage,
            Command = ["sh", "-c", "sleep 1; echo finished"],
            NetworkMode = "none",
            Labels = new Dictionary<string, string> { [ContainerTaskExecutor.TaskLabel] = _taskId, [ContainerTaskExecutor.AttemptLabel] = "2" },
        });
        await _client.StartContainerAsync(id);

        using var executor = Executor();
        var outcome = await executor.ResumeAsync(new TaskExecution(_taskId, 2, new TaskSpec { Kind = TaskKind.Container }, "node-a"), CancellationToken.None);

        Assert.True(outcome.Succeeded);
        Assert.Equal("finished\n", outcome.Logs);
        Assert.Empty(await Containers());

        var missing = await executor.ResumeAsync(new TaskExecution(_taskId, 3, new TaskSpec { Kind = TaskKind.Container }, "node-a"), CancellationToken.None);
        Assert.Equal("The silo on node node-a restarted and no container of attempt 3 was found.", missing.Error);
    }

    [Fact]
    public async Task Disabled_containers_fail_clearly()
    {
        using var executor = new ContainerTaskExecutor(new DockerClient(new DockerClientOptions { SocketPath = docker.Engine.SocketPath }), new TaskExecutionOptions { EnableContainers = false });
        var outcome = await executor.ExecuteAsync(Execution(["true"], new ResourceRequest()), CancellationToken.None);
        Assert.Equal("Container tasks are disabled on this node (Deror:Sidecar:Tasks:EnableContainers).", outcome.Error);
    }

    private ContainerTaskExecutor Executor() => new(
        new DockerClient(new DockerClientOptions { SocketPath = docker.Engine.SocketPath }),
        new TaskExecutionOptions { ContainerNetwork = "none", KillGracePeriod = TimeSpan.FromSeconds(1), LiveOutputInterval = TimeSpan.FromMilliseconds(100) });

    private TaskExecution Execution(string[] command, ResourceRequest resources) => new(_taskId, 1, new TaskSpec
    {
        Kind = TaskKind.Container,
        Container = new ContainerSpec { Image = DockerEngine.BusyboxImage, Command = command, Environment = new Dictionary<string, string> { ["GREETING"] = "hello" } },
        Resources = resources,
    }, "node-a");

    private Task<IReadOnlyList<DockerContainerSummary>> Containers() =>
        _client.ListContainersAsync(new Dictionary<string, string?> { [ContainerTaskExecutor.TaskLabel] = _taskId });

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 20 s.");
            await Task.Delay(50);
        }
    }
}
