using Deror.Agent.Posix;
using Deror.Grains;
using Deror.Hosting;

namespace Deror.Agent.Tests;

/// <summary>The sidecar in a real silo with the real grains, supervising a real exo-sim process.</summary>
public sealed class AgentEndToEndTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Exo_crash_is_detected_restarted_and_the_node_is_Healthy_again()
    {
        await using var cluster = await AgentCluster.StartAsync(_env);
        var healthy = await cluster.WaitForNodeAsync(NodeStatus.Healthy);
        var firstPid = _env.Track(cluster.ExoPid()!.Value);
        Assert.NotNull(healthy.ExoNodeId);
        Assert.True(healthy.Capacity.MemoryTotalBytes > 0);
        Assert.Equal(Environment.ProcessorCount, healthy.Capacity.CpuCores);

        PosixProcesses.Signal(firstPid, PosixSignal.Kill);

        // Running is reported from the heartbeat after the supervisor saw the new Exo answer, which may trail the first healthy one.
        var back = await cluster.WaitForNodeAsync(NodeStatus.Healthy, n => n.ExoNodeId != healthy.ExoNodeId && n.LastObservation?.Process == ExoProcessStatus.Running);
        _env.Track(cluster.ExoPid()!.Value);
        Assert.NotEqual(firstPid, cluster.ExoPid());
        // Recovering when the supervisor saw the exit before the next probe failed, Unreachable otherwise; a probe that
        // caught the dying Exo's /state without itself in the topology passes through Degraded first.
        Assert.Contains(back.History, t => t.From is NodeStatus.Healthy or NodeStatus.Degraded && t.To is NodeStatus.Recovering or NodeStatus.Unreachable);
        Assert.Equal(ExoProcessStatus.Running, back.LastObservation!.Process);
    }

    [Fact]
    public async Task Hung_Exo_makes_the_node_Unreachable_and_is_restarted()
    {
        await using var cluster = await AgentCluster.StartAsync(_env);
        var healthy = await cluster.WaitForNodeAsync(NodeStatus.Healthy);
        var hung = _env.Track(cluster.ExoPid()!.Value);

        PosixProcesses.Signal(hung, PosixSignal.Stop);

        await cluster.WaitForNodeAsync(NodeStatus.Unreachable);
        var back = await cluster.WaitForNodeAsync(NodeStatus.Healthy, n => n.ExoNodeId != healthy.ExoNodeId);
        Assert.False(AdoptedProcess.IsAlive(hung));
        Assert.Contains("does not answer", back.History.Last(t => t.To == NodeStatus.Unreachable).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_and_handler_tasks_run_on_the_node_and_a_handler_it_lacks_waits_for_a_node_that_serves_it()
    {
        await using var cluster = await AgentCluster.StartAsync(_env, configureSilo: silo => silo.AddTaskHandler("add", (ctx, _) =>
        {
            var numbers = ctx.GetArguments<int[]>();
            return Task.FromResult<string?>(numbers.Sum().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }));
        await cluster.WaitForNodeAsync(NodeStatus.Healthy);

        var process = await cluster.Manager.SubmitAsync(new TaskSpec
        {
            Name = "greet",
            Kind = TaskKind.Process,
            Process = new ProcessSpec { Command = "sh", Arguments = ["-c", "echo hello from $NAME; exit 0"], Environment = new Dictionary<string, string> { ["NAME"] = "deror" } },
        });
        var handler = await cluster.Manager.SubmitAsync(new TaskSpec { Name = "add", Kind = TaskKind.Handler, Handler = new HandlerSpec { Name = "add", Arguments = "[1,2,39]" } });
        var missing = await cluster.Manager.SubmitAsync(new TaskSpec { Name = "missing", Kind = TaskKind.Handler, Handler = new HandlerSpec { Name = "missing" } });

        var processInfo = await process.WaitAsync(TimeSpan.FromSeconds(30));
        var handlerInfo = await handler.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(TaskState.Completed, processInfo.State);
        Assert.Equal(AgentCluster.Node, processInfo.Node);
        Assert.Equal(0, processInfo.ExitCode);
        Assert.Contains("hello from deror", (await process.GetLogsAsync()).Text, StringComparison.Ordinal);
        Assert.Equal(TaskState.Completed, handlerInfo.State);
        Assert.Equal("42", handlerInfo.Result);
        // The sidecar advertises what its silo registered; the scheduler sends no node a handler it lacks.
        Assert.Equal(["add"], (await cluster.Manager.GetNodeAsync(AgentCluster.Node)).Handlers);
        var waiting = await missing.GetInfoAsync();
        Assert.Equal(TaskState.Pending, waiting.State);
        Assert.Equal("waiting for a Healthy node that serves handler 'missing'", waiting.Reason);
    }

    [Fact]
    public async Task Maintenance_drains_the_node_stops_Exo_runs_the_command_and_brings_the_node_back()
    {
        var marker = _env.PathOf("maintained");
        var maintenance = _env.Script("maintain.sh", $"echo done > '{marker}'");
        await using var cluster = await AgentCluster.StartAsync(_env, s => s.Maintenance.Command = maintenance);
        var healthy = await cluster.WaitForNodeAsync(NodeStatus.Healthy);
        var exoPid = _env.Track(cluster.ExoPid()!.Value);

        await cluster.Manager.PerformMaintenanceAsync(AgentCluster.Node, minHealthy: 0);

        var back = await cluster.WaitForNodeAsync(NodeStatus.Healthy, n => n.ExoNodeId != healthy.ExoNodeId);
        _env.Track(cluster.ExoPid()!.Value);
        Assert.True(File.Exists(marker));
        Assert.False(AdoptedProcess.IsAlive(exoPid));
        var path = back.History.SkipWhile(t => t.To != NodeStatus.Draining).Select(t => t.To).ToArray();
        Assert.Equal([NodeStatus.Draining, NodeStatus.Maintenance, NodeStatus.Recovering, NodeStatus.Healthy], path);
    }
}
