using Deror.Grains;

namespace Deror.Grains.Tests;

public sealed class TaskLifecycleTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private DomainCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await DomainCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<TestSidecar> HealthyNodeAsync(string name, double cpu = 4, long memory = 8L << 30, string[]? handlers = null)
    {
        var sidecar = _cluster.Sidecar(name, cpu, memory);
        if (handlers is not null)
        {
            sidecar.Observation = sidecar.Observation with { Handlers = handlers };
        }
        sidecar.Start();
        await Eventually.Until(() => _cluster.Manager.GetNodesAsync(), nodes => nodes.Any(n => n.Name == name && n.Status == NodeStatus.Healthy), $"{name} is healthy");
        return sidecar;
    }

    [Fact]
    public async Task A_task_goes_pending_scheduled_running_completed_and_is_listed()
    {
        await using var node = await HealthyNodeAsync("n1");
        var task = await _cluster.Manager.SubmitAsync(TaskSpecs.Handler("hello", "noop"));
        var info = await task.WaitAsync(Wait);
        Assert.Equal(TaskState.Completed, info.State);
        Assert.Equal("n1", info.Node);
        Assert.Equal("\"done\"", info.Result);
        Assert.Equal([TaskState.Pending, TaskState.Scheduled, TaskState.Running, TaskState.Completed], info.History.Select(h => h.To));
        Assert.Empty((await node.Grain.GetInfo()).Tasks);

        var listed = await _cluster.Manager.ListTasksAsync(TaskState.Completed);
        Assert.Contains(listed.Items, t => t.Id == task.Id && t.Name == "hello");
        Assert.Empty((await _cluster.Manager.ListTasksAsync(TaskState.Running)).Items);
    }

    [Fact]
    public async Task Invalid_specs_are_rejected_naming_the_field()
    {
        var error = await Assert.ThrowsAsync<InvalidSpecException>(() => _cluster.Manager.SubmitAsync(TaskSpecs.Container("x", "")));
        Assert.Contains("container.image", error.Message);
        error = await Assert.ThrowsAsync<InvalidSpecException>(() => _cluster.Manager.SubmitAsync(TaskSpecs.Process("x", "echo") with { Cron = "not a cron" }));
        Assert.Contains("cron", error.Message);
        error = await Assert.ThrowsAsync<InvalidSpecException>(() => _cluster.Manager.SubmitAsync(TaskSpecs.Process("x", "echo") with { Resources = new ResourceRequest { MemoryBytes = -1 } }));
        Assert.Contains("resources.memoryBytes", error.Message);
        await Assert.ThrowsAsync<NodeNotFoundException>(() => _cluster.Manager.SubmitAsync(TaskSpecs.Process("x", "echo") with { Node = "nowhere" }));
        await Assert.ThrowsAsync<TaskNotFoundException>(() => _cluster.Manager.GetTask("t-unknown").GetInfoAsync());
    }

    [Fact]
    public async Task Scheduling_is_resource_aware_and_a_task_waits_for_room()
    {
        await using var small = await HealthyNodeAsync("small", cpu: 1, memory: 1L << 30);
        var big = TaskSpecs.Handler("big", "noop") with { Resources = new ResourceRequest { CpuCores = 2, MemoryBytes = 4L << 30 } };
        var task = await _cluster.Manager.SubmitAsync(big);
        var waiting = await task.GetInfoAsync();
        Assert.Equal(TaskState.Pending, waiting.State);
        Assert.Contains("waiting for a Healthy node with room", waiting.Reason);

        await using var large = await HealthyNodeAsync("large", cpu: 8, memory: 16L << 30);
        var done = await task.WaitAsync(Wait);
        Assert.Equal(TaskState.Completed, done.State);
        Assert.Equal("large", done.Node);
    }

    [Fact]
    public async Task A_handler_task_waits_naming_its_handler_until_a_node_that_serves_it_appears()
    {
        await using var plain = await HealthyNodeAsync("plain");
        var task = await _cluster.Manager.SubmitAsync(TaskSpecs.Handler("r", "resize"));
        var waiting = await task.GetInfoAsync();
        Assert.Equal(TaskState.Pending, waiting.State);
        Assert.Equal("waiting for a Healthy node that serves handler 'resize'", waiting.Reason);

        await using var resizer = await HealthyNodeAsync("resizer", handlers: ["noop", "resize"]);
        var done = await task.WaitAsync(Wait);
        Assert.Equal(TaskState.Completed, done.State);
        Assert.Equal("resizer", done.Node);
        Assert.Equal(["noop", "resize"], (await _cluster.Manager.GetNodeAsync("resizer")).Handlers);
        Assert.Equal(["noop"], (await _cluster.Manager.GetNodeAsync("plain")).Handlers);
    }

    [Fact]
    public async Task Handler_tasks_run_only_where_their_handler_is_also_once_a_Healthy_node_gains_it()
    {
        await using var plain = await HealthyNodeAsync("plain");
        await using var resizer = await HealthyNodeAsync("resizer", handlers: ["noop", "resize"]);
        var resizes = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => _cluster.Manager.SubmitAsync(TaskSpecs.Handler($"r{i}", "resize"))));
        var done = await Task.WhenAll(resizes.Select(t => t.WaitAsync(Wait)));
        Assert.All(done, d => Assert.Equal((TaskState.Completed, "resizer"), (d.State, d.Node)));

        // A silo restarted with more handlers may stay Healthy throughout; its heartbeats alone let the task run.
        var thumbnail = await _cluster.Manager.SubmitAsync(TaskSpecs.Handler("t", "thumbnail"));
        Assert.Equal("waiting for a Healthy node that serves handler 'thumbnail'", (await thumbnail.GetInfoAsync()).Reason);
        plain.Observation = plain.Observation with { Handlers = ["noop", "thumbnail"] };
        var ran = await thumbnail.WaitAsync(Wait);
        Assert.Equal((TaskState.Completed, "plain"), (ran.State, ran.Node));
    }

    [Fact]
    public async Task Spread_puts_tasks_on_the_emptier_node_and_bin_pack_on_the_fuller_one()
    {
        await using var a = await HealthyNodeAsync("a", cpu: 4);
        await using var b = await HealthyNodeAsync("b", cpu: 4);
        var never = new TaskCompletionSource<TaskOutcome?>();
        a.Execute = b.Execute = _ => never.Task;
        var one = TaskSpecs.Handler("one", "noop") with { Resources = new ResourceRequest { CpuCores = 1 } };
        var first = await (await _cluster.Manager.SubmitAsync(one)).GetInfoAsync();
        var second = await (await _cluster.Manager.SubmitAsync(one)).GetInfoAsync();
        Assert.NotEqual(first.Node, second.Node);

        await _cluster.Manager.SetPolicyAsync(DomainCluster.FastPolicy with { Scheduling = SchedulingPolicy.BinPack });
        var third = await (await _cluster.Manager.SubmitAsync(one with { Resources = new ResourceRequest { CpuCores = 2 } })).GetInfoAsync();
        var fourth = await (await _cluster.Manager.SubmitAsync(one)).GetInfoAsync();
        Assert.Equal(third.Node, fourth.Node);
        never.SetResult(null);
    }

    [Fact]
    public async Task Failed_attempts_are_retried_with_backoff_then_given_up()
    {
        await using var node = await HealthyNodeAsync("n1");
        node.Execute = _ => Task.FromResult<TaskOutcome?>(new TaskOutcome { Succeeded = false, ExitCode = 3, Error = "exit 3", Logs = "boom\n" });
        var spec = TaskSpecs.Process("flaky", "false") with { MaxAttempts = 3, RetryBackoff = TimeSpan.FromMilliseconds(100) };
        var info = await (await _cluster.Manager.SubmitAsync(spec)).WaitAsync(Wait);
        Assert.Equal(TaskState.Failed, info.State);
        Assert.Equal(3, info.ExitCode);
        Assert.Contains("gave up after 3 attempts", info.Reason);
        Assert.Equal(2, info.History.Count(h => h.To == TaskState.Pending && h.Reason.Contains("retrying")));
        Assert.Equal(3, info.History.Count(h => h.To == TaskState.Running));
    }

    [Fact]
    public async Task A_retry_that_succeeds_completes_the_task()
    {
        await using var node = await HealthyNodeAsync("n1");
        node.Execute = a => Task.FromResult<TaskOutcome?>(a.Attempt == 1
            ? new TaskOutcome { Succeeded = false, Error = "first try fails" }
            : new TaskOutcome { Succeeded = true, Result = "\"second\"" });
        var info = await (await _cluster.Manager.SubmitAsync(TaskSpecs.Handler("retry", "noop") with { MaxAttempts = 2, RetryBackoff = TimeSpan.Zero })).WaitAsync(Wait);
        Assert.Equal(TaskState.Completed, info.State);
        Assert.Equal(2, info.Attempt);
    }

    [Fact]
    public async Task Cancel_stops_a_running_task_and_a_finished_task_cannot_be_cancelled()
    {
        await using var node = await HealthyNodeAsync("n1");
        var never = new TaskCompletionSource<TaskOutcome?>();
        node.Execute = _ => never.Task;
        var task = await _cluster.Manager.SubmitAsync(TaskSpecs.Process("sleep", "sleep", "60"));
        await Eventually.Until(task.GetInfoAsync, t => t.State == TaskState.Running, "the task runs");
        var cancelled = await task.CancelAsync("operator said so");
        Assert.Equal(TaskState.Cancelled, cancelled.State);
        Assert.Equal("operator said so", cancelled.Reason);
        await Eventually.Until(() => node.Grain.GetInfo(), n => n.Tasks.Count == 0, "the node no longer wants the task");

        var error = await Assert.ThrowsAsync<InvalidStateException>(() => task.CancelAsync());
        Assert.Contains("is Cancelled", error.Message);
        never.SetResult(null);
    }

    [Fact]
    public async Task A_task_that_runs_past_its_timeout_is_timed_out()
    {
        await using var node = await HealthyNodeAsync("n1");
        var never = new TaskCompletionSource<TaskOutcome?>();
        node.Execute = _ => never.Task;
        var info = await (await _cluster.Manager.SubmitAsync(TaskSpecs.Process("slow", "sleep", "60") with { Timeout = TimeSpan.FromMilliseconds(300) })).WaitAsync(Wait);
        Assert.Equal(TaskState.TimedOut, info.State);
        Assert.Contains("timed out", info.Error);
        never.SetResult(null);
    }

    [Fact]
    public async Task Identical_submissions_are_one_task()
    {
        await using var node = await HealthyNodeAsync("n1");
        var keyed = TaskSpecs.Process("keyed", "echo", "hi") with { IdempotencyKey = "order-42" };
        var first = await _cluster.Manager.SubmitAsync(keyed);
        var second = await _cluster.Manager.SubmitAsync(keyed);
        Assert.Equal(first.Id, second.Id);
        var conflict = await Assert.ThrowsAsync<InvalidSpecException>(() => _cluster.Manager.SubmitAsync(keyed with { Process = new ProcessSpec { Command = "echo", Arguments = ["other"] } }));
        Assert.Contains("different spec", conflict.Message);

        var content = TaskSpecs.Process("same", "echo", "x") with { Deduplicate = true };
        Assert.Equal((await _cluster.Manager.SubmitAsync(content)).Id, (await _cluster.Manager.SubmitAsync(content)).Id);
        Assert.NotEqual((await _cluster.Manager.SubmitAsync(content)).Id, (await _cluster.Manager.SubmitAsync(content with { Name = "other" })).Id);
        await first.WaitAsync(Wait);
        Assert.Single((await first.GetInfoAsync()).History, h => h.To == TaskState.Completed);
    }

    [Fact]
    public async Task A_deferred_task_waits_then_is_staged_on_a_node_and_starts_at_its_time()
    {
        await using var node = await HealthyNodeAsync("n1");
        var runAt = DateTimeOffset.UtcNow + DomainCluster.StageAhead + TimeSpan.FromSeconds(2);
        var task = await _cluster.Manager.SubmitAsync(TaskSpecs.Handler("later", "noop") with { RunAt = runAt });
        var pending = await task.GetInfoAsync();
        Assert.Equal(TaskState.Pending, pending.State);
        Assert.Equal(runAt, pending.NextRunAt);

        var staged = await Eventually.Until(task.GetInfoAsync, t => t.State != TaskState.Pending, "the task is staged");
        Assert.Equal(TaskState.Scheduled, staged.State);
        Assert.Equal("n1", staged.Node);
        Assert.Equal(runAt, staged.NextRunAt);
        Assert.True(staged.ScheduledAt < runAt, $"staged at {staged.ScheduledAt:O}, due {runAt:O}");

        var done = await task.WaitAsync(Wait);
        Assert.Equal(TaskState.Completed, done.State);
        Assert.True(done.StartedAt >= runAt, $"started at {done.StartedAt:O}, due {runAt:O}");
        Assert.Null(done.NextRunAt);
    }

    [Fact]
    public async Task A_staged_task_cancelled_before_its_time_never_runs()
    {
        await using var node = await HealthyNodeAsync("n1");
        var runAt = DateTimeOffset.UtcNow + DomainCluster.StageAhead / 2;
        var task = await _cluster.Manager.SubmitAsync(TaskSpecs.Handler("never", "noop") with { RunAt = runAt });
        Assert.Equal(TaskState.Scheduled, (await task.GetInfoAsync()).State); // due within the stage-ahead time: staged at once

        await task.CancelAsync();
        await Task.Delay(runAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
        Assert.Equal(TaskState.Cancelled, (await task.GetInfoAsync()).State);
        Assert.Equal(0, node.Executions);
        Assert.DoesNotContain((await _cluster.Manager.GetNodesAsync()).Single(n => n.Name == "n1").Tasks, id => id == task.Id);
    }

    [Fact]
    public async Task A_cron_schedule_submits_a_run_per_occurrence()
    {
        await using var node = await HealthyNodeAsync("n1");
        var schedule = await _cluster.Manager.SubmitAsync(TaskSpecs.Handler("tick", "noop") with { Cron = "* * * * * *" });
        var info = await Eventually.Until(schedule.GetInfoAsync, t => t.Runs.Count >= 2, "two runs were submitted");
        Assert.Equal(TaskState.Pending, info.State);
        var run = await _cluster.Manager.GetTask(info.Runs[0]).WaitAsync(Wait);
        Assert.Equal(TaskState.Completed, run.State);
        await schedule.CancelAsync();
        var runs = (await schedule.GetInfoAsync()).Runs.Count;
        await Task.Delay(1500);
        Assert.Equal(runs, (await schedule.GetInfoAsync()).Runs.Count);
    }

    [Fact]
    public async Task A_task_on_a_node_that_goes_silent_completes_on_another_node_once()
    {
        await using var doomed = await HealthyNodeAsync("doomed");
        var release = new TaskCompletionSource<TaskOutcome?>();
        doomed.Execute = _ => release.Task;
        var task = await _cluster.Manager.SubmitAsync(TaskSpecs.Handler("survivor", "noop") with { Node = null });
        await Eventually.Until(task.GetInfoAsync, t => t.State == TaskState.Running && t.Node == "doomed", "the task runs on the doomed node");

        await using var other = await HealthyNodeAsync("other");
        await doomed.StopAsync();
        var info = await task.WaitAsync(Wait);
        Assert.Equal(TaskState.Completed, info.State);
        Assert.Equal("other", info.Node);
        Assert.Contains(info.History, h => h.To == TaskState.Pending && h.Reason.Contains("node doomed lost"));

        // The lost node finishes after all: completion stays recorded once.
        await _cluster.Grains.GetGrain<ITaskGrain>(task.Id).ReportFinished("doomed", 1, new TaskOutcome { Succeeded = true, Result = "\"late\"" });
        var after = await task.GetInfoAsync();
        Assert.Single(after.History, h => h.To == TaskState.Completed);
        Assert.Equal("\"done\"", after.Result);
        release.SetResult(null);
    }
}
