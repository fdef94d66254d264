namespace Deror.Grains;

/// <summary>
/// The node state machine: which transitions are legal, and what a heartbeat says about a node's health.
/// Draining and Maintenance are left only through the drain/maintenance protocol, never by a heartbeat.
/// </summary>
public static class NodeLifecycle
{
    public static bool IsAllowed(NodeStatus from, NodeStatus to) => from != to && (from, to) switch
    {
        (NodeStatus.Draining, NodeStatus.Maintenance or NodeStatus.Dead or NodeStatus.Unreachable) => true,
        (NodeStatus.Draining, _) => false,
        (NodeStatus.Maintenance, NodeStatus.Recovering or NodeStatus.Dead) => true,
        (NodeStatus.Maintenance, _) => false,
        (_, NodeStatus.Maintenance) => false,
        (NodeStatus.Joining or NodeStatus.Healthy or NodeStatus.Degraded or NodeStatus.Recovering, NodeStatus.Draining) => true,
        (_, NodeStatus.Draining) => false,
        (NodeStatus.Dead, NodeStatus.Unreachable) => false,
        _ => true,
    };

    public static void EnsureAllowed(string node, NodeStatus from, NodeStatus to)
    {
        if (!IsAllowed(from, to))
        {
            throw new InvalidStateException($"Node '{node}' is {from}; it cannot become {to}.");
        }
    }

    /// <summary>Only these take new tasks.</summary>
    public static bool TakesTasks(NodeStatus status) => status == NodeStatus.Healthy;

    /// <summary>The status a heartbeat shows, with the reason (exo-api.md's "Health, as exo itself defines it").</summary>
    public static (NodeStatus Status, string Reason) Evaluate(NodeObservation observation)
    {
        if (observation.ExoNodeId is null)
        {
            var error = observation.ProbeError ?? "no answer";
            return observation.Process is ExoProcessStatus.Starting or ExoProcessStatus.Restarting
                ? (NodeStatus.Recovering, $"Exo is {(observation.Process == ExoProcessStatus.Starting ? "starting" : "restarting")}: {error}")
                : (NodeStatus.Unreachable, $"Exo does not answer /node_id: {error}");
        }
        if (!observation.InTopology)
        {
            return (NodeStatus.Degraded, $"Exo node {observation.ExoNodeId} is not in the cluster topology");
        }
        if (observation.FailedRunners.Count > 0)
        {
            return (NodeStatus.Degraded, $"runner failed: {observation.FailedRunners[0]}");
        }
        return (NodeStatus.Healthy, $"Exo node {observation.ExoNodeId} answers and is in the topology");
    }
}
