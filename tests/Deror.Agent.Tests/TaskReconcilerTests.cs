using Deror.Agent.Directives;
using Deror.Agent.Execution;
using Deror.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Agent.Tests;

/// <summary>The reconcile logic against fake task grains, with the real executors running real processes.</summary>
public sealed class TaskReconcilerTests : IAsyncLifetime
{
    private const string Node = "node-a";
    private readonly TestEnvironment _env = new();
    private readonly FakeTaskGrains _grains = new();
    private readonly TaskReconciler _reconciler;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _handlerRuns;

    public TaskReconcilerTests()
    {
        var handlers = new HandlerTaskExecutor(
            [
                new TaskHandlerRegistration("wait", _ => new DelegateTaskHandler(async (_, ct) =>
                {
                    Interlocked.Increment(ref _handlerRuns);
                    await _release.Task.WaitAsync(ct);
                    return "\"released\"";
                })),
            ],
            new TaskExecutionOptions(),
            new ServiceCollection().BuildServiceProvider());
        var executors = new TaskExecutorSet([new ProcessTaskExecutor(new TaskExecutionOptions { KillGracePeriod = TimeSpan.FromMilliseconds(200) }), handlers]);
        var retry = new GrainRetry(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50), NullLogger.Instance);
        _reconciler = new TaskReconciler(_grains, executors, retry, Node, new TaskExecutionOptions { StartReportDelay = TimeSpan.FromMilliseconds(100), LiveOutputInterval = TimeSpan.FromMilliseconds(50) }, NullLogger.Instance);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _reconciler.DisposeAsync();
        _env.Dispose();
    }

    [Fact]
    public async Task Starts_missing_tasks_and_reports_start_and_finish_through_hiccups()
    {
        _grains.FailuresBeforeSuccess = 3;
        var task = _grains.Task("t-1");

        // Runs past the start-report delay, so its start is reported on its own.
        _reconciler.Reconcile([Process("t-1", 1, "sh", "-c", "sleep 0.5; echo done")], acceptNew: true);
        var outcome = await task.FirstFinish.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([(Node, 1)], task.Started);
        Assert.True(outcome.Succeeded);
        Assert.Equal("done\n", outcome.Logs);
        await _reconciler.WhenIdleAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_finished_attempt_is_not_started_again_while_a_stale_directive_lists_it()
    {
        var task = _grains.Task("t-1");
        var assignment = Process("t-1", 1, "true");
        _reconciler.Reconcile([assignment], acceptNew: true);
        await task.FirstFinish.WaitAsync(TimeSpan.FromSeconds(10));
        await _reconciler.WhenIdleAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        _reconciler.Reconcile([assignment], acceptNew: true);
        _reconciler.Reconcile([assignment with { Attempt = 2 }], acceptNew: true);
        await TestEnvironment.WaitUntil(() => task.Finished.Count == 2, "the second attempt to finish");

        Assert.Equal([1, 2], task.Finished.Select(f => f.Attempt));
    }

    [Fact]
    public async Task A_short_attempt_reports_its_start_with_its_end_in_one_call()
    {
        var task = _grains.Task("t-1");
        var before = DateTimeOffset.UtcNow;

        _reconciler.Reconcile([Process("t-1", 1, "echo", "quick")], acceptNew: true);
        var outcome = await task.FirstFinish.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(task.Started);
        Assert.True(outcome.Succeeded);
        Assert.Equal("quick\n", outcome.Logs);
        Assert.NotNull(outcome.StartedAt);
        Assert.InRange(outcome.StartedAt.Value, before, DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task A_running_process_sends_its_output_live_before_it_ends()
    {
        var task = _grains.Task("t-1");
        var go = Path.Combine(_env.Directory, "go");

        _reconciler.Reconcile([Process("t-1", 1, "sh", "-c", $"echo first; while [ ! -e '{go}' ]; do sleep 0.02; done; echo second")], acceptNew: true);
        await TestEnvironment.WaitUntil(() => string.Concat(task.Output.Select(o => o.Text)).Contains("first\n", StringComparison.Ordinal), "the first line to arrive live");

        Assert.False(task.FirstFinish.IsCompleted);
        Assert.Equal([(Node, 1)], task.Started);
        Assert.All(task.Output, o => Assert.Equal(1, o.Attempt));
        await File.WriteAllTextAsync(go, "");
        var outcome = await task.FirstFinish.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("first\nsecond\n", outcome.Logs);
    }

    [Fact]
    public async Task A_rejected_start_stops_the_attempt_without_a_report()
    {
        var task = _grains.Task("t-1");
        task.RejectStart = true;

        _reconciler.Reconcile([Process("t-1", 1, "sleep", "30")], acceptNew: true);
        await TestEnvironment.WaitUntil(() => _reconciler.RunningTasks.Count == 0, "the rejected attempt to stop");

        Assert.Empty(task.Finished);
    }

    [Fact]
    public async Task A_task_removed_from_the_directive_is_stopped_without_a_report()
    {
        _reconciler.Reconcile([Handler("t-1", 1)], acceptNew: true);
        await TestEnvironment.WaitUntil(() => _handlerRuns == 1, "the handler to run");
        Assert.Equal(["t-1"], _reconciler.RunningTasks);

        _reconciler.Reconcile([], acceptNew: true);
        await _reconciler.WhenIdleAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Empty(_grains.Task("t-1").Finished);
    }

    [Fact]
    public async Task A_timeout_stops_the_process_and_reports_TimedOut()
    {
        var task = _grains.Task("t-1");
        var assignment = Process("t-1", 1, "sleep", "30") with { };
        assignment = assignment with { Spec = assignment.Spec with { Timeout = TimeSpan.FromMilliseconds(300) } };

        _reconciler.Reconcile([assignment], acceptNew: true);
        var outcome = await task.FirstFinish.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(outcome.TimedOut);
        Assert.False(outcome.Succeeded);
        Assert.Equal("Timed out after 0.3 s.", outcome.Error);
    }

    [Fact]
    public async Task Without_acceptNew_nothing_starts_but_running_work_continues()
    {
        _reconciler.Reconcile([Handler("t-1", 1)], acceptNew: true);
        await TestEnvironment.WaitUntil(() => _handlerRuns == 1, "the handler to run");

        _reconciler.Reconcile([Handler("t-1", 1), Process("t-2", 1, "true")], acceptNew: false);
        _release.SetResult();
        var outcome = await _grains.Task("t-1").FirstFinish.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("\"released\"", outcome.Result);
        Assert.Empty(_grains.Task("t-2").Started);
    }

    [Fact]
    public async Task After_a_silo_restart_an_orphaned_process_attempt_is_failed_and_new_ones_start()
    {
        var orphan = _grains.Task("t-old");
        orphan.Info = new TaskInfo { Id = "t-old", State = TaskState.Running, Node = Node, Attempt = 4 };
        var fresh = _grains.Task("t-new");

        _reconciler.Reconcile([Process("t-old", 4, "true"), Process("t-new", 1, "true")], acceptNew: false);
        var failed = await orphan.FirstFinish.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(failed.Succeeded);
        Assert.Equal("The silo on node node-a restarted while this Process task ran; Process tasks cannot be re-adopted.", failed.Error);
        Assert.Empty(orphan.Started);
        await _reconciler.WhenIdleAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Empty(fresh.Started); // draining: no new work

        _reconciler.Reconcile([Process("t-new", 1, "true")], acceptNew: true);
        await fresh.FirstFinish.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_staged_assignment_is_held_until_its_time_then_started()
    {
        var task = _grains.Task("t-1");
        var notBefore = DateTimeOffset.UtcNow.AddMilliseconds(600);
        _reconciler.Reconcile([Process("t-1", 1, "true") with { NotBefore = notBefore }], acceptNew: true);
        Assert.Equal(["t-1"], _reconciler.RunningTasks);

        var outcome = await task.FirstFinish.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(outcome.Succeeded);
        Assert.True(outcome.StartedAt >= notBefore, $"started at {outcome.StartedAt:O}, not before {notBefore:O}");
    }

    [Fact]
    public async Task A_staged_assignment_is_let_go_unstarted_when_it_is_removed_or_the_node_stops_taking_work()
    {
        var later = DateTimeOffset.UtcNow.AddSeconds(30);
        _reconciler.Reconcile([Process("t-1", 1, "true") with { NotBefore = later }, Handler("t-2", 1) with { NotBefore = later }], acceptNew: true);
        Assert.Equal(["t-1", "t-2"], _reconciler.RunningTasks.Order());

        _reconciler.Reconcile([Handler("t-2", 1) with { NotBefore = later }], acceptNew: true);
        await TestEnvironment.WaitUntil(() => _reconciler.RunningTasks.SequenceEqual(["t-2"]), "the removed assignment to be let go");
        // A drain: work not started yet is let go so the node can hand it back; nothing ran, nothing is reported.
        _reconciler.Reconcile([Handler("t-2", 1) with { NotBefore = later }], acceptNew: false);
        await _reconciler.WhenIdleAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(0, _handlerRuns);
        Assert.All(new[] { "t-1", "t-2" }, id =>
        {
            Assert.Empty(_grains.Task(id).Started);
            Assert.Empty(_grains.Task(id).Finished);
        });
    }

    [Fact]
    public async Task A_kind_without_executor_fails_clearly()
    {
        var task = _grains.Task("t-1");
        _reconciler.Reconcile([new TaskAssignment("t-1", 1, new TaskSpec { Kind = TaskKind.Container, Container = new ContainerSpec { Image = "busybox" } })], acceptNew: true);
        var outcome = await task.FirstFinish.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("Node node-a cannot run Container tasks (no executor for them is configured).", outcome.Error);
    }

    private static TaskAssignment Process(string id, int attempt, string command, params string[] arguments) =>
        new(id, attempt, new TaskSpec { Kind = TaskKind.Process, Process = new ProcessSpec { Command = command, Arguments = arguments } });

    private static TaskAssignment Handler(string id, int attempt) =>
        new(id, attempt, new TaskSpec { Kind = TaskKind.Handler, Handler = new HandlerSpec { Name = "wait" } });
}
