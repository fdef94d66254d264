namespace Deror.Grains;

/// <summary>Where one Exo node is in its lifecycle. <see cref="NodeInfo.Reason"/> says why it is there.</summary>
public enum NodeStatus
{
    /// <summary>Known, but its sidecar has not yet reported a healthy Exo.</summary>
    Joining,
    /// <summary>Exo answers, is in the cluster topology and serves what it should.</summary>
    Healthy,
    /// <summary>Exo answers but something is wrong (not in the topology, a failed runner, ...).</summary>
    Degraded,
    /// <summary>Exo does not answer, or the node's sidecar has gone silent.</summary>
    Unreachable,
    /// <summary>Taking no new tasks; its work and models are being moved away before maintenance.</summary>
    Draining,
    /// <summary>Drained, Exo stopped; the node is being maintained.</summary>
    Maintenance,
    /// <summary>Exo is being restarted after a failure or after maintenance.</summary>
    Recovering,
    /// <summary>Silent for longer than the recovery policy allows; its tasks have been rescheduled.</summary>
    Dead,
}
