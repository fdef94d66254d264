namespace Deror.Docker.Tests;

/// <summary><see cref="DockerClient.RunToCompletionAsync"/> against the private engine: exit codes, output, timeouts, cleanup.</summary>
[Collection(DockerCollection.Name)]
public sealed class DockerClientRunTests(DockerEngineFixture fixture)
{
    private readonly DockerClient _docker = fixture.Client;

    [Fact]
    public async Task Echo_exits_zero_with_its_output_and_leaves_no_container()
    {
        var result = await _docker.RunToCompletionAsync(DockerEngineFixture.Busybox("echo", "hi"));

        Assert.Equal(0, result.ExitCode);
        Assert.False(result.TimedOut);
        Assert.False(result.OomKilled);
        Assert.Equal("hi\n", result.Logs.Stdout);
        Assert.Equal("", result.Logs.Stderr);
        Assert.False(result.Logs.Truncated);
        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => _docker.InspectContainerAsync(result.ContainerId));
    }

    [Fact]
    public async Task Stdout_and_stderr_are_kept_apart_and_a_nonzero_exit_code_is_reported()
    {
        var result = await _docker.RunToCompletionAsync(DockerEngineFixture.Busybox("sh", "-c", "echo out; echo err >&2; echo more; exit 3"));

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out\nmore\n", result.Logs.Stdout);
        Assert.Equal("err\n", result.Logs.Stderr);
    }

    [Fact]
    public async Task A_run_past_its_timeout_is_killed_and_removed()
    {
        var labels = DockerEngineFixture.UniqueLabels();
        var spec = DockerEngineFixture.Busybox("sleep", "60") with { Labels = labels };

        var result = await _docker.RunToCompletionAsync(spec, timeout: TimeSpan.FromMilliseconds(500));

        Assert.True(result.TimedOut);
        Assert.Equal(137, result.ExitCode);
        Assert.Empty(await _docker.ListContainersAsync(DockerEngineFixture.Filter(labels)));
    }

    [Fact]
    public async Task A_cancelled_run_removes_its_container()
    {
        var labels = DockerEngineFixture.UniqueLabels();
        var spec = DockerEngineFixture.Busybox("sleep", "60") with { Labels = labels };
        using var cancellation = new CancellationTokenSource();

        var run = _docker.RunToCompletionAsync(spec, cancellationToken: cancellation.Token);
        await DockerEngineFixture.WaitUntilAsync(async () => (await _docker.ListContainersAsync(DockerEngineFixture.Filter(labels), includeStopped: false)).Count == 1);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Empty(await _docker.ListContainersAsync(DockerEngineFixture.Filter(labels)));
    }

    [Fact]
    public async Task A_container_over_its_memory_limit_is_reported_oom_killed()
    {
        // dd allocates its block size at once: 64 MiB against a 16 MiB limit without swap. It starts a second after the
        // container: on cgroup v1, containerd watches a task for OOM kills only once it runs, and a kill in its first
        // instant was seen by the kernel but never reported by the engine.
        var spec = DockerEngineFixture.Busybox("sh", "-c", "sleep 1; dd if=/dev/zero of=/dev/null bs=64M count=1") with { MemoryBytes = 16 * 1024 * 1024 };

        var result = await _docker.RunToCompletionAsync(spec);

        Assert.True(result.OomKilled, $"exit code {result.ExitCode}, stderr: {result.Logs.Stderr}");
        Assert.Equal(137, result.ExitCode);
    }

    [Fact]
    public async Task A_missing_image_fails_the_run_with_the_typed_error()
    {
        var error = await Assert.ThrowsAsync<DockerImageNotFoundException>(
            () => _docker.RunToCompletionAsync(DockerEngineFixture.Busybox("true") with { Image = "deror-missing:latest" }));

        Assert.Equal("image deror-missing:latest is not present", error.Message);
    }
}
