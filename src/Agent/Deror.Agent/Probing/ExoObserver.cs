using System.Diagnostics;
using Deror.Agent.Supervision;
using Deror.Exo;
using Deror.Exo.Health;
using Deror.Exo.Models;
using Deror.Grains;

namespace Deror.Agent.Probing;

/// <summary>
/// One probe of the local Exo, as Exo itself defines health: liveness from <c>GET /node_id</c>; membership,
/// capacity, ghosts, served models and failed runners from <c>GET /state</c>. Each call has its own timeout. Every
/// observation also names the task <paramref name="handlers"/> this silo runs, so the scheduler knows where they are.
/// </summary>
internal sealed class ExoObserver(ExoClient exo, IExoProcess process, SidecarOptions options, IReadOnlyList<string> handlers)
{
    /// <summary>Exo's master drops nodes silent for over 30 s; a lastSeen further behind the newest counts as gone.</summary>
    private static readonly TimeSpan MembershipLag = TimeSpan.FromSeconds(30);

    public async Task<NodeObservation> ObserveAsync(string silo, IReadOnlyList<string> runningTasks, bool acceptingTasks, CancellationToken cancellationToken)
    {
        var observation = new NodeObservation
        {
            ObservedAt = DateTimeOffset.UtcNow,
            Silo = silo,
            RunningTasks = runningTasks,
            AcceptingTasks = acceptingTasks,
            Handlers = handlers,
            Capacity = new Grains.NodeCapacity { CpuCores = Environment.ProcessorCount },
        };
        var watch = Stopwatch.StartNew();
        string nodeId;
        try
        {
            nodeId = await exo.GetNodeIdAsync(options.ProbeTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (ExoException e)
        {
            process.ReportProbe(answered: false);
            return observation with { Process = process.Status, ProbeError = e.Message, ProbeLatency = watch.Elapsed };
        }
        process.ReportProbe(answered: true);
        observation = observation with { Process = process.Status, ExoNodeId = nodeId, ProbeLatency = watch.Elapsed };

        ExoState state;
        try
        {
            state = await exo.GetStateAsync(options.ProbeTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (ExoException e)
        {
            // Alive but its state unreadable: membership unknown, so not in the topology as far as we can tell.
            return observation with { ProbeError = "/state: " + e.Message };
        }
        return Describe(observation, state, nodeId);
    }

    /// <summary>Fills an observation from <paramref name="state"/> for the node <paramref name="nodeId"/>.</summary>
    public static NodeObservation Describe(NodeObservation observation, ExoState state, string nodeId)
    {
        var capacity = state.GetCapacity(nodeId);
        return observation with
        {
            InTopology = state.GetMembership(nodeId, MembershipLag).IsMember,
            ClusterNodeCount = state.Topology.Nodes.Count,
            GhostNodeIds = state.GhostIdentities(),
            ServedModels = [.. state.ModelsServed().Order(StringComparer.Ordinal)],
            FailedRunners = FailedRunnersOn(state, nodeId),
            Capacity = capacity is null ? observation.Capacity : observation.Capacity with
            {
                MemoryTotalBytes = capacity.RamTotal.InBytes,
                MemoryAvailableBytes = capacity.RamAvailable.InBytes,
                DiskTotalBytes = capacity.DiskTotal?.InBytes ?? 0,
                DiskAvailableBytes = capacity.DiskAvailable?.InBytes ?? 0,
                Backends = capacity.Backends,
            },
        };
    }

    private static string[] FailedRunnersOn(ExoState state, string nodeId) =>
        [.. state.Instances.Values
            .Select(i => i.ShardAssignments.NodeToRunner.GetValueOrDefault(nodeId))
            .OfType<string>()
            .Select(runner => state.Runners.GetValueOrDefault(runner))
            .OfType<RunnerFailed>()
            .Select(f => f.ErrorMessage ?? "(no message)")];
}
