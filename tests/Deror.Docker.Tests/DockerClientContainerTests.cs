namespace Deror.Docker.Tests;

/// <summary>The container primitives one at a time, as an executor that re-adopts its containers uses them.</summary>
[Collection(DockerCollection.Name)]
public sealed class DockerClientContainerTests(DockerEngineFixture fixture) : IAsyncLifetime
{
    private readonly DockerClient _docker = fixture.Client;
    private readonly Dictionary<string, string> _labels = DockerEngineFixture.UniqueLabels();

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Removes what a failed test left behind, found by this test's label.</summary>
    public async Task DisposeAsync()
    {
        foreach (var container in await _docker.ListContainersAsync(DockerEngineFixture.Filter(_labels)))
        {
            await _docker.RemoveContainerAsync(container.Id);
        }
    }

    [Fact]
    public async Task Limits_command_environment_working_directory_and_labels_reach_the_container()
    {
        var spec = Spec("sh", "-c", "echo \"$GREETING from $(pwd)\"") with
        {
            Environment = new Dictionary<string, string> { ["GREETING"] = "hello world" },
            WorkingDirectory = "/tmp",
            NanoCpus = 500_000_000,
            MemoryBytes = 64L * 1024 * 1024,
        };

        var id = await _docker.CreateContainerAsync(spec);
        var created = await _docker.InspectContainerAsync(id);
        await _docker.StartContainerAsync(id);
        var exit = await _docker.WaitContainerAsync(id);
        var logs = await _docker.GetLogsAsync(id);

        Assert.Equal(id, created.Id);
        Assert.Equal(DockerContainerStatus.Created, created.State.Status);
        Assert.Equal(500_000_000, created.NanoCpus);
        Assert.Equal(64L * 1024 * 1024, created.MemoryBytes);
        Assert.Equal(_labels["deror.test"], created.Labels["deror.test"]);
        Assert.Equal(Testing.Servers.DockerEngine.BusyboxImage, created.Image);
        Assert.Equal(0, exit.ExitCode);
        Assert.Null(exit.Error);
        Assert.Equal("hello world from /tmp\n", logs.Stdout);
        var exited = await _docker.InspectContainerAsync(id);
        Assert.Equal(DockerContainerStatus.Exited, exited.State.Status);
        Assert.False(exited.State.Running);
        Assert.NotNull(exited.State.StartedAt);
        // Not ordered: for a container this short the engine may record its exit before its start.
        Assert.NotNull(exited.State.FinishedAt);
        Assert.True(await _docker.RemoveContainerAsync(id));
    }

    [Fact]
    public async Task A_named_container_is_found_by_its_name()
    {
        var name = "deror-test-" + _labels["deror.test"];

        var id = await _docker.CreateContainerAsync(Spec("true") with { Name = name });

        var info = await _docker.InspectContainerAsync(name);
        Assert.Equal(id, info.Id);
        Assert.Equal(name, info.Name);
        var conflict = await Assert.ThrowsAsync<DockerApiException>(() => _docker.CreateContainerAsync(Spec("true") with { Name = name }));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Contains(name, conflict.EngineMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_killed_sleep_exits_with_137_and_killing_it_again_reports_it_was_not_running()
    {
        var id = await StartAsync("sleep", "60");
        var running = await _docker.InspectContainerAsync(id);

        Assert.True(await _docker.KillContainerAsync(id));
        var exit = await _docker.WaitContainerAsync(id);

        Assert.True(running.State.Running);
        Assert.Equal(DockerContainerStatus.Running, running.State.Status);
        Assert.True(running.State.Pid > 0);
        Assert.Equal(137, exit.ExitCode);
        Assert.False(await _docker.KillContainerAsync(id));
        Assert.Equal(DockerContainerStatus.Exited, (await _docker.InspectContainerAsync(id)).State.Status);
    }

    [Fact]
    public async Task Stop_ends_a_container_that_ignores_sigterm_after_the_grace_period()
    {
        // sleep as the container's pid 1 has no handler for SIGTERM, so only the SIGKILL after the grace period ends it.
        var id = await StartAsync("sleep", "60");

        await _docker.StopContainerAsync(id, TimeSpan.Zero);

        Assert.Equal(137, (await _docker.WaitContainerAsync(id)).ExitCode);
        await _docker.StopContainerAsync(id, TimeSpan.Zero);
    }

    [Fact]
    public async Task Wait_honours_cancellation_without_touching_the_container()
    {
        var id = await StartAsync("sleep", "60");
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _docker.WaitContainerAsync(id, cancellationToken: cancellation.Token));

        Assert.True((await _docker.InspectContainerAsync(id)).State.Running);
    }

    [Fact]
    public async Task Listing_by_label_finds_exactly_the_labelled_containers_and_can_leave_out_stopped_ones()
    {
        var sleeping = await StartAsync("sleep", "60");
        var exited = await StartAsync("true");
        await _docker.WaitContainerAsync(exited);
        var otherLabels = DockerEngineFixture.UniqueLabels();
        var other = await _docker.CreateContainerAsync(DockerEngineFixture.Busybox("true") with { Labels = otherLabels });

        try
        {
            var all = await _docker.ListContainersAsync(DockerEngineFixture.Filter(_labels));
            var runningOnly = await _docker.ListContainersAsync(DockerEngineFixture.Filter(_labels), includeStopped: false);
            var anyValue = await _docker.ListContainersAsync(new Dictionary<string, string?> { ["deror.test"] = null });

            Assert.Equal(new[] { exited, sleeping }.Order(), all.Select(container => container.Id).Order());
            var listed = Assert.Single(runningOnly);
            Assert.Equal(sleeping, listed.Id);
            Assert.Equal(DockerContainerStatus.Running, listed.Status);
            Assert.Equal(Testing.Servers.DockerEngine.BusyboxImage, listed.Image);
            Assert.Equal(_labels["deror.test"], listed.Labels["deror.test"]);
            Assert.Single(listed.Names);
            Assert.Contains(anyValue, container => container.Id == other);
            Assert.Contains(anyValue, container => container.Id == sleeping);
        }
        finally
        {
            await _docker.RemoveContainerAsync(other);
        }
    }

    [Fact]
    public async Task A_restarted_executor_re_adopts_a_running_container_by_label_and_collects_its_result()
    {
        var id = await StartAsync("sh", "-c", "sleep 1; echo done; exit 7");

        // What an executor does after a restart: it knows nothing but its label.
        var adopted = Assert.Single(await _docker.ListContainersAsync(DockerEngineFixture.Filter(_labels)));
        var exit = await _docker.WaitContainerAsync(adopted.Id);
        var logs = await _docker.GetLogsAsync(adopted.Id);

        Assert.Equal(id, adopted.Id);
        Assert.Equal(7, exit.ExitCode);
        Assert.Equal("done\n", logs.Stdout);
    }

    [Fact]
    public async Task Log_capture_keeps_the_last_bytes_of_each_stream_and_says_it_was_cut()
    {
        var id = await StartAsync("sh", "-c", "seq 1 5000; echo tail >&2");
        await _docker.WaitContainerAsync(id);

        var logs = await _docker.GetLogsAsync(id, maxBytesPerStream: 100);
        var whole = await _docker.GetLogsAsync(id);

        Assert.True(logs.StdoutTruncated);
        Assert.False(logs.StderrTruncated);
        Assert.Equal(100, logs.Stdout.Length);
        Assert.EndsWith("4999\n5000\n", logs.Stdout, StringComparison.Ordinal);
        Assert.Equal("tail\n", logs.Stderr);
        Assert.False(whole.Truncated);
        Assert.Equal(string.Concat(Enumerable.Range(1, 5000).Select(i => $"{i}\n")), whole.Stdout);
    }

    [Fact]
    public async Task Remove_forces_a_running_container_and_reports_one_that_is_already_gone()
    {
        var id = await StartAsync("sleep", "60");

        Assert.True(await _docker.RemoveContainerAsync(id));
        Assert.False(await _docker.RemoveContainerAsync(id));
        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => _docker.InspectContainerAsync(id));
        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => _docker.WaitContainerAsync(id));
        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => _docker.GetLogsAsync(id));
        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => _docker.StartContainerAsync(id));
    }

    [Fact]
    public async Task Without_force_a_running_container_is_not_removed()
    {
        var id = await StartAsync("sleep", "60");

        var error = await Assert.ThrowsAsync<DockerApiException>(() => _docker.RemoveContainerAsync(id, force: false));

        Assert.Equal(System.Net.HttpStatusCode.Conflict, error.StatusCode);
        Assert.True((await _docker.InspectContainerAsync(id)).State.Running);
    }

    [Fact]
    public async Task A_cpu_limit_beyond_the_machine_is_refused_with_the_engine_message()
    {
        var error = await Assert.ThrowsAsync<DockerApiException>(
            () => _docker.CreateContainerAsync(Spec("true") with { NanoCpus = 1_000_000_000L * (Environment.ProcessorCount + 1) }));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("CPU", error.EngineMessage, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_invalid_spec_is_refused_before_reaching_the_engine()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _docker.CreateContainerAsync(Spec("true") with { MemoryBytes = -1 }));
        await Assert.ThrowsAsync<ArgumentException>(() => _docker.CreateContainerAsync(Spec("true") with { Environment = new Dictionary<string, string> { ["A=B"] = "c" } }));
        await Assert.ThrowsAsync<ArgumentException>(() => _docker.CreateContainerAsync(Spec("true") with { WorkingDirectory = "relative" }));
        await Assert.ThrowsAsync<ArgumentException>(() => _docker.CreateContainerAsync(Spec("true") with { Name = "no spaces allowed" }));
        await Assert.ThrowsAsync<ArgumentException>(() => _docker.CreateContainerAsync(Spec("true") with { Image = " " }));
        Assert.Empty(await _docker.ListContainersAsync(DockerEngineFixture.Filter(_labels)));
    }

    private DockerContainerSpec Spec(params string[] command) => DockerEngineFixture.Busybox(command) with { Labels = _labels };

    private async Task<string> StartAsync(params string[] command)
    {
        var id = await _docker.CreateContainerAsync(Spec(command));
        await _docker.StartContainerAsync(id);
        return id;
    }
}
