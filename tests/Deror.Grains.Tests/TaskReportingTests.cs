using System.Text.Json;
using Deror.Grains;

namespace Deror.Grains.Tests;

/// <summary>
/// The cheaper task path: a short attempt reported once, assignments to a busy node sharing writes, the long poll
/// for a task's end, and a node forgetting an assignment whose task was never accepted.
/// </summary>
public sealed class TaskReportingTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private DomainCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await DomainCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<TestSidecar> HealthyNodeAsync(string name)
    {
        var sidecar = _cluster.Sidecar(name).Start();
        await Eventually.Until(() => _cluster.Manager.GetNodesAsync(), nodes => nodes.Any(n => n.Name == name && n.Status == NodeStatus.Healthy), $"{name} is healthy");
        return sidecar;
    }

    [Fact]
    public async Task A_short_attempt_reported_once_is_still_recorded_and_logged_as_running_then_completed()
    {
        await using var node = await HealthyNodeAsync("n1");
        node.ReportsStart = false;

        var task = await _cluster.Manager.SubmitAsync(TaskSpecs.Handler("short", "noop"));
        var info = await task.WaitAsync(Wait);

        Assert.Equal(TaskState.Completed, info.State);
        Assert.Equal([TaskState.Pending, TaskState.Scheduled, TaskState.Running, TaskState.Completed], info.History.Select(h => h.To));
        Assert.NotNull(info.StartedAt);
        Assert.True(info.StartedAt <= info.FinishedAt);
        var batch = await _cluster.Grains.GetGrain<IEventFeedGrain>(_cluster.Manager.ClusterId).Read(0, 10_000, TimeSpan.Zero);
        var transitions = batch.Events
            .Where(e => e.Type == LifecycleEvents.TaskTransition && e.Subject == task.Id)
            .Select(e => JsonSerializer.Deserialize<TaskTransitionEvent>(e.Data, DerorJson.Options)!)
            .ToList();
        Assert.Equal([(TaskState.Pending, TaskState.Pending), (TaskState.Pending, TaskState.Scheduled), (TaskState.Scheduled, TaskState.Running), (TaskState.Running, TaskState.Completed)],
            transitions.Select(t => (t.From, t.To)));
        Assert.Equal(TaskState.Running, transitions[2].Task.State);
        await Eventually.Until(() => node.Grain.GetInfo(), n => n.Tasks.Count == 0, "the node to release the task");
    }

    [Fact]
    public async Task Concurrent_assignments_to_one_node_are_all_stored_and_released()
    {
        await using var node = await HealthyNodeAsync("n1");
        var release = new TaskCompletionSource<TaskOutcome?>(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Execute = _ => release.Task;

        var tasks = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => _cluster.Manager.SubmitAsync(TaskSpecs.Handler($"burst-{i}", "noop"))));
        foreach (var task in tasks)
        {
            var info = await task.GetInfoAsync();
            Assert.True(info.State is TaskState.Scheduled or TaskState.Running, $"{task.Id} is {info.State}");
            Assert.Equal("n1", info.Node);
        }
        Assert.Equal(tasks.Select(t => t.Id).Order(), (await node.Grain.GetInfo()).Tasks.Order());

        release.SetResult(new TaskOutcome { Succeeded = true, Result = "\"done\"" });
        foreach (var task in tasks)
        {
            Assert.Equal(TaskState.Completed, (await task.WaitAsync(Wait)).State);
        }
        await Eventually.Until(() => node.Grain.GetInfo(), n => n.Tasks.Count == 0, "the node to release every task");
    }

    [Fact]
    public async Task WaitForEnd_answers_when_the_task_ends_and_otherwise_after_its_wait()
    {
        await using var node = await HealthyNodeAsync("n1");
        var release = new TaskCompletionSource<TaskOutcome?>(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Execute = _ => release.Task;
        var task = await _cluster.Manager.SubmitAsync(TaskSpecs.Handler("held", "noop"));
        var grain = _cluster.Grains.GetGrain<ITaskGrain>(task.Id);

        var early = await grain.WaitForEnd(TimeSpan.FromMilliseconds(100));
        Assert.False(early.State.IsTerminal());

        var waiting = grain.WaitForEnd(TimeSpan.FromSeconds(20));
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        release.SetResult(new TaskOutcome { Succeeded = true, Result = "\"done\"" });
        var ended = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(TaskState.Completed, ended.State);
    }

    [Fact]
    public async Task A_node_forgets_an_assignment_whose_task_was_never_accepted()
    {
        await using var node = await HealthyNodeAsync("n1");

        // What a submission leaves behind when its silo dies after the node stored the assignment, before the task.
        await node.Grain.Assign(new TaskAssignment("t-never-accepted", 1, TaskSpecs.Handler("ghost", "noop")));

        await Eventually.Until(() => node.Grain.GetInfo(), n => n.Tasks.Count == 0, "the node to forget the unaccepted task");
        Assert.Equal(0, node.Executions);
        await Assert.ThrowsAsync<TaskNotFoundException>(() => _cluster.Manager.GetTask("t-never-accepted").GetInfoAsync());
    }
}
