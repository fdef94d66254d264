using Deror.Grains;

namespace Deror.EndToEnd.Tests;

/// <summary>A node's maintenance command fails: the node comes back serving, and the cluster's run sees the failure.</summary>
public sealed class MaintenanceFailureTests : IDisposable
{
    private readonly ScriptDirectory _scripts = new();

    public void Dispose() => _scripts.Dispose();

    [Fact]
    public async Task A_failed_maintenance_command_stops_the_run_or_is_skipped_per_policy()
    {
        var script = _scripts.Script("maintain.sh", $"""
            if [ "$1" = node-2 ]; then echo "disk full on $1"; exit 3; fi
            echo "$1" >> '{_scripts.PathOf("maintained")}'
            """);
        await using var cluster = await ProcessCluster.StartAsync(new ClusterPolicy { MinHealthyNodes = 2 }, script);
        var startedAfter = (await cluster.ReadEventsAsync()).Max(e => e.Sequence);

        // Policy Stop (the default): node-2 fails, node-3 is never taken down.
        var stopped = await RunToEndAsync(cluster);

        Assert.Equal(MaintenancePhase.Cancelled, stopped.Phase);
        Assert.StartsWith("stopped: maintenance of node-2 failed: ", stopped.Detail, StringComparison.Ordinal);
        var failedStep = stopped.Steps.Single(s => s.Node == "node-2");
        Assert.Contains("Exited with code 3", failedStep.Error, StringComparison.Ordinal);
        Assert.Contains("disk full on node-2", failedStep.Error, StringComparison.Ordinal);
        Assert.Null(stopped.Steps.Single(s => s.Node == "node-3").StartedAt);
        Assert.Equal(["node-1"], _scripts.Lines("maintained"));
        // The failed node still comes back serving, and says why its maintenance failed.
        var node2 = await cluster.WaitForAsync("node-2 Healthy again", () => cluster.NodeAsync(1), n => n.Status == NodeStatus.Healthy);
        Assert.Contains("disk full on node-2", node2.MaintenanceFailure, StringComparison.Ordinal);
        Assert.Contains(node2.History, t => t.To == NodeStatus.Recovering && t.Reason.StartsWith("maintenance failed: ", StringComparison.Ordinal));
        var moments = NodeTimeline.Replay(await cluster.ReadEventsAsync()).Where(m => m.Sequence > startedAfter).ToList();
        Assert.DoesNotContain(moments, m => m.Transition.Node == "node-3" && m.Transition.To == NodeStatus.Draining);

        // Policy Skip: the failure is recorded on node-2's step and the run goes on to node-3.
        await cluster.Manager.SetPolicyAsync(new ClusterPolicy { MinHealthyNodes = 2, OnMaintenanceFailure = MaintenanceFailureAction.Skip });
        await cluster.WaitForAllHealthyAsync("every node Healthy before the second run");
        var skipped = await RunToEndAsync(cluster);

        Assert.Equal(MaintenancePhase.Completed, skipped.Phase);
        Assert.StartsWith("2 node(s) maintained, 1 failed: node-2: ", skipped.Detail, StringComparison.Ordinal);
        Assert.All(skipped.Steps, s => Assert.True(s.Done, $"{s}"));
        Assert.Equal(["node-2"], skipped.Steps.Where(s => s.Error is not null).Select(s => s.Node));
        Assert.Equal(["node-1", "node-1", "node-3"], _scripts.Lines("maintained"));
        await cluster.WaitForAllHealthyAsync("every node Healthy after the second run");
    }

    private static async Task<MaintenanceStatus> RunToEndAsync(ProcessCluster cluster)
    {
        var started = await cluster.Manager.PerformMaintenanceAsync();
        return (await cluster.WaitForAsync($"maintenance {started.Id} to end", cluster.Manager.GetMaintenanceAsync,
            m => m is { Phase: MaintenancePhase.Completed or MaintenancePhase.Cancelled } && m.Id == started.Id, TimeSpan.FromSeconds(90)))!;
    }
}
