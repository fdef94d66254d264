using System.Text.Json;
using Deror.Exo.Health;
using Deror.Exo.Json;
using Deror.Exo.Models;

namespace Deror.Exo.Tests;

/// <summary>Exo's own health rules applied to the golden state.</summary>
public sealed class HealthTests
{
    private static readonly ExoState State =
        JsonSerializer.Deserialize<ExoState>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "state.json")), ExoJson.Options)!;

    [Fact]
    public void Membership_needs_topology_memory_and_a_recent_last_seen_relative_to_the_others()
    {
        var b = State.GetMembership("node-b", TimeSpan.FromSeconds(5));
        Assert.True(b.IsMember);
        Assert.Equal(TimeSpan.FromMilliseconds(600), b.Lag); // behind node-a, the newest entry; wall time plays no part

        var c = State.GetMembership("node-c", TimeSpan.FromSeconds(5));
        Assert.False(c.IsMember);
        Assert.False(c.InTopology);
        Assert.False(c.HasMemory);
        Assert.Equal(TimeSpan.FromSeconds(50.5), c.Lag);

        Assert.False(State.GetMembership("node-b", TimeSpan.FromMilliseconds(500)).IsMember);
        Assert.False(State.GetMembership("unknown", TimeSpan.FromHours(1)).IsMember);
    }

    [Fact]
    public void Cluster_is_ready_only_when_identities_and_memory_both_count_the_expected_nodes()
    {
        Assert.False(State.IsClusterReady(2)); // three identities (one ghost), two memory entries
        Assert.False(State.IsClusterReady(3));
        Assert.True((State with { NodeIdentities = State.NodeIdentities.Where(e => e.Key != "node-c").ToDictionary() }).IsClusterReady(2));
    }

    [Fact]
    public void Ghosts_are_identities_missing_from_the_topology() =>
        Assert.Equal(["node-c"], State.GhostIdentities());

    [Fact]
    public void Instance_serving_state_follows_its_runners()
    {
        Assert.Equal(InstanceServingStatus.Ready, State.GetInstanceHealth("inst-ready").Status); // RunnerReady + RunnerRunning (busy)
        Assert.Equal(InstanceServingStatus.Loading, State.GetInstanceHealth("inst-loading").Status);
        Assert.Equal(InstanceServingStatus.Loading, State.GetInstanceHealth("inst-future").Status); // an unknown runner status is not ready
        Assert.Equal(InstanceServingStatus.Missing, State.GetInstanceHealth("gone").Status);

        var failed = State.GetInstanceHealth("inst-failed");
        Assert.Equal(InstanceServingStatus.Failed, failed.Status);
        Assert.Equal(new RunnerFailure("runner-c", "Metal OOM while loading layer 12"), Assert.Single(failed.Failures));
        Assert.Equal("mlx-community/Llama-3.2-3B-Instruct-4bit", failed.ModelId);
    }

    [Fact]
    public void Drain_finds_the_instances_of_a_node_and_their_active_tasks()
    {
        var onB = State.InstancesUsingNode("node-b").Select(i => i.InstanceId).Order().ToArray();
        Assert.Equal(["inst-failed", "inst-ready"], onB);

        var active = State.ActiveTasksOf(onB).Select(t => t.TaskId).Order().ToArray();
        Assert.Equal(["task-1", "task-3"], active); // task-2 is Complete

        Assert.Equal(["inst-future", "inst-loading", "inst-ready"], State.InstancesUsingNode("node-a").Select(i => i.InstanceId).Order().ToArray());
    }

    [Fact]
    public void Capacity_reads_memory_disk_and_backends()
    {
        var a = State.GetCapacity("node-a")!;
        Assert.Equal((68719476736L, 51539607552L, 400081954406L), (a.RamTotal.InBytes, a.RamAvailable.InBytes, a.DiskAvailable!.Value.InBytes));
        Assert.Equal([ExoBackends.MlxCpu, ExoBackends.MlxCuda], a.Backends);

        var b = State.GetCapacity("node-b")!;
        Assert.Null(b.DiskTotal);
        Assert.Null(State.GetCapacity("node-c")); // dropped: no memory entry
    }

    [Fact]
    public void Models_served_are_those_with_a_ready_instance() =>
        Assert.Equal(["mlx-community/Llama-3.2-1B-Instruct-4bit"], State.ModelsServed());
}
