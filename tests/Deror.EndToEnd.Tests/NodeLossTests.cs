using System.Text.Json;
using Deror.Grains;

namespace Deror.EndToEnd.Tests;

/// <summary>A node dies while its task runs: the task runs again elsewhere (at-least-once) and completes once.</summary>
public sealed class NodeLossTests : IDisposable
{
    private readonly ScriptDirectory _scripts = new();

    public void Dispose() => _scripts.Dispose();

    [Fact]
    public async Task A_task_whose_node_dies_completes_on_another_node_and_its_completion_is_recorded_once()
    {
        await using var cluster = await ProcessCluster.StartAsync(new ClusterPolicy
        {
            MinHealthyNodes = 0,
            HeartbeatTimeout = TimeSpan.FromSeconds(3),
            DeadAfter = TimeSpan.FromMinutes(2),
        });
        // The first attempt blocks (until the test kills its node); any later one finishes at once.
        var attempts = _scripts.PathOf("attempts");
        var task = await cluster.Manager.SubmitAsync(new TaskSpec
        {
            Name = "survives-its-node",
            Kind = TaskKind.Process,
            Process = new ProcessSpec
            {
                Command = "sh",
                Arguments = ["-c", $"echo $$ >> '{attempts}'; if [ \"$(wc -l < '{attempts}')\" -eq 1 ]; then exec sleep 120; fi; echo finished"],
            },
        });
        var running = await cluster.WaitForAsync("the first attempt running", task.GetInfoAsync,
            t => t.State == TaskState.Running && _scripts.Lines("attempts").Count == 1);
        var lost = ProcessCluster.IndexOf(running.Node!);
        var firstAttemptPid = int.Parse(_scripts.Lines("attempts")[0], System.Globalization.CultureInfo.InvariantCulture);
        cluster.Track(firstAttemptPid);

        // The whole node goes: its silo (and sidecar), its Exo, and the task's process.
        var exoPid = cluster.ExoPid(lost)!.Value;
        cluster.Silo(lost).Kill();
        Pids.Kill(exoPid);
        Pids.Kill(firstAttemptPid);

        var done = await cluster.WaitForAsync("the task completed elsewhere", task.GetInfoAsync, t => t.State.IsTerminal(), TimeSpan.FromSeconds(90));
        Assert.True(done.State == TaskState.Completed, $"{done.State}: {done.Error} ({done.Reason})");
        Assert.NotEqual(running.Node, done.Node);
        Assert.Equal(2, done.Attempt);
        Assert.Equal(0, done.ExitCode);
        Assert.Contains("finished", (await task.GetLogsAsync()).Text, StringComparison.Ordinal);
        Assert.Equal(2, _scripts.Lines("attempts").Count);
        var lostNode = await cluster.NodeAsync(lost);
        Assert.Contains(lostNode.History, t => t.To == NodeStatus.Unreachable && t.Reason.StartsWith("sidecar silent", StringComparison.Ordinal));

        // The event log records the task running twice (once per node) and completing once.
        var transitions = (await cluster.ReadEventsAsync())
            .Where(e => e.Type == LifecycleEvents.TaskTransition && e.Subject == task.Id)
            .Select(e => JsonSerializer.Deserialize<TaskTransitionEvent>(e.Data, DerorJson.Options)!)
            .ToList();
        var story = string.Join('\n', transitions.Select(t => $"{t.From} → {t.To} on {t.Task.Node} (attempt {t.Task.Attempt}): {t.Reason}"));
        Assert.True(transitions.Count(t => t.To == TaskState.Completed) == 1, story);
        Assert.True(transitions.Where(t => t.To == TaskState.Running).Select(t => t.Task.Node).SequenceEqual([running.Node, done.Node]), story);
        Assert.DoesNotContain(transitions, t => t.To is TaskState.Failed or TaskState.Cancelled or TaskState.TimedOut);
    }
}
