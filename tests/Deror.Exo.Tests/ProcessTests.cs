using Deror.Exo.Api;
using Deror.Exo.Health;
using Deror.Exo.Simulator.Testing;
using Deror.Exo.Tests.Infrastructure;

namespace Deror.Exo.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTestsCollection
{
    public const string Name = "exo-sim processes";
}

/// <summary>Real exo-sim processes: signals, SIGSTOP, kill -9, restarts and the PID lock, as Deror's supervisor will meet them.</summary>
[Collection(ProcessTestsCollection.Name)]
public sealed class ProcessTests : IDisposable
{
    private const string SmallModel = "mlx-community/Llama-3.2-1B-Instruct-4bit";

    private static readonly string[] FastTimings =
        ["--tick-ms", "100", "--probe-timeout-ms", "500", "--election-ms", "300", "--sweep-ms", "300", "--node-timeout-ms", "1500", "--runner-step-ms", "40", "--token-ms", "2"];

    private readonly TempDirectory _directory = new();
    private readonly string _namespace = "ns-" + Guid.NewGuid().ToString("N")[..8];

    private ExoSimProcessOptions Options(string home, bool forceMaster = false) => new()
    {
        ClusterDirectory = _directory.Sub("cluster"),
        ExoHome = _directory.Sub(home),
        Namespace = _namespace,
        ForceMaster = forceMaster,
        MemoryMb = 8192,
        ExtraArguments = FastTimings,
    };

    [Fact]
    public async Task Sigstop_makes_every_call_time_out_and_sigcont_brings_it_back()
    {
        await using var node = await ExoSimProcess.StartAsync(Options("a"));
        var client = TestClients.For(node.BaseAddress);
        Assert.Equal(node.NodeId, await client.GetNodeIdAsync());

        await node.SignalAsync("STOP");
        var hung = await Assert.ThrowsAsync<ExoTimeoutException>(() => client.GetNodeIdAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Contains("no answer within 0.3 s", hung.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ExoTimeoutException>(() => client.GetStateAsync(TimeSpan.FromMilliseconds(300)));

        await node.SignalAsync("CONT");
        Assert.Equal(node.NodeId, await client.GetNodeIdAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Killing_the_master_wipes_placed_instances_and_a_killed_follower_leaves_a_ghost()
    {
        var nodes = await ExoSimProcess.StartAllAsync([Options("a", forceMaster: true), Options("b"), Options("c")]);
        await using var master = nodes[0];
        await using var b = nodes[1];
        await using var c = nodes[2];
        var clientB = TestClients.For(b.BaseAddress);
        await Eventually.HoldsAsync(() => clientB.GetStateAsync(), s => s!.IsClusterReady(3) && s.Topology.Nodes.Count == 3, "three processes to form a ready cluster");

        await clientB.PlaceInstanceAsync(new PlaceInstanceRequest { ModelId = SmallModel, MinNodes = 2 });
        await Eventually.HoldsAsync(() => clientB.GetStateAsync(), s => s!.ModelsServed().Contains(SmallModel), "the model to be served");

        await master.KillAsync();
        // A new master starts from an empty state: the instance is gone, and nothing places it again.
        var afterElection = await Eventually.HoldsAsync(
            () => clientB.GetStateAsync(),
            s => s!.Topology.Nodes.Count == 2 && s.IsClusterReady(2) && s.Instances.Count == 0,
            "the survivors to elect a new master, which starts from an empty state");
        Assert.Empty(afterElection.Instances);
        Assert.Empty(afterElection.Runners);
        Assert.DoesNotContain(master.NodeId, afterElection.NodeIdentities.Keys);
        var unchanged = await Eventually.HoldsAsync(() => TestClients.For(c.BaseAddress).GetStateAsync(), s => s!.Instances.Count == 0, "the other survivor to see the wiped state");
        Assert.Empty(unchanged.Instances);

        // Kill the follower: the new master keeps its state, and the follower's identity stays behind as a ghost.
        var newMaster = await TestClients.MasterIdAsync(b.BaseAddress);
        var (survivor, victim) = newMaster == b.NodeId ? (b, c) : (c, b);
        var client = TestClients.For(survivor.BaseAddress);
        await victim.KillAsync();
        var ghosted = await Eventually.HoldsAsync(
            () => client.GetStateAsync(),
            s => s!.Topology.Nodes.Count == 1 && !s.NodeMemory.ContainsKey(victim.NodeId),
            "the survivor to drop the killed follower");
        Assert.Equal([victim.NodeId], ghosted.GhostIdentities());
        Assert.False(ghosted.GetMembership(victim.NodeId, TimeSpan.FromSeconds(30)).IsMember);
        Assert.True(ghosted.GetMembership(survivor.NodeId, TimeSpan.FromSeconds(1)).IsMember);
    }

    [Fact]
    public async Task Sigint_exits_0_and_a_restart_gets_a_new_node_id()
    {
        await using var first = await ExoSimProcess.StartAsync(Options("a"));
        var pidFile = Path.Combine(first.Options.ExoHome, "exo.pid");
        Assert.Equal(first.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(pidFile).Trim());

        await first.SignalAsync("INT");
        Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.False(File.Exists(pidFile));

        await using var second = await ExoSimProcess.StartAsync(Options("a"));
        Assert.NotEqual(first.NodeId, second.NodeId);
        Assert.Equal(second.NodeId, await TestClients.For(second.BaseAddress).GetNodeIdAsync());
        await second.SignalAsync("TERM");
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task A_second_signal_during_shutdown_exits_1()
    {
        await using var node = await ExoSimProcess.StartAsync(Options("a"));
        // A request that never finishes keeps the graceful shutdown waiting.
        await TestClients.ControlAsync(node.BaseAddress, HttpMethod.Post, "hang");
        var pending = TestClients.For(node.BaseAddress).GetStateAsync(TimeSpan.FromSeconds(20));
        await Task.Delay(200); // let the request reach the server (nothing observable to wait for)

        await node.SignalAsync("INT");
        await Task.Delay(300);
        Assert.False(node.HasExited, "the first signal should start a graceful shutdown that waits for the hung request");
        await node.SignalAsync("TERM");
        Assert.Equal(1, await node.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        await Assert.ThrowsAnyAsync<ExoException>(() => pending);
    }

    [Fact]
    public async Task The_pid_lock_refuses_a_second_node_with_the_same_exo_home()
    {
        await using var first = await ExoSimProcess.StartAsync(Options("shared"));

        await using var second = ExoSimProcess.Launch(Options("shared"), out _);

        Assert.Equal(1, await second.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.Contains("already running", second.Output, StringComparison.Ordinal);
        Assert.Equal(first.NodeId, await TestClients.For(first.BaseAddress).GetNodeIdAsync());
    }

    [Fact]
    public async Task Crash_fault_exits_the_process_non_zero()
    {
        await using var node = await ExoSimProcess.StartAsync(Options("a"));

        await TestClients.ControlAsync(node.BaseAddress, HttpMethod.Post, "crash?exit_code=7");

        Assert.Equal(7, await node.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        await Assert.ThrowsAsync<ExoUnavailableException>(() => TestClients.For(node.BaseAddress).GetNodeIdAsync());
    }

    public void Dispose() => _directory.Dispose();
}
