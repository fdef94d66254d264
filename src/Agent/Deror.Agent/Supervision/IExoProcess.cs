using Deror.Grains;

namespace Deror.Agent.Supervision;

/// <summary>The local Exo process as the rest of the agent sees it: supervised by this sidecar, or run by someone else.</summary>
public interface IExoProcess
{
    ExoProcessStatus Status { get; }

    /// <summary>The pid of the Exo process, when the sidecar knows one.</summary>
    int? Pid { get; }

    /// <summary>The probe loop reports every liveness probe: answers promote a starting Exo, failures in a row restart it.</summary>
    void ReportProbe(bool answered);

    /// <summary>Asks for a restart (stop, then start after the backoff); ignored while one is under way.</summary>
    void RequestRestart(string reason);

    /// <summary>Stops Exo on purpose (drain, maintenance); it stays stopped until <see cref="StartExo"/>.</summary>
    Task StopExoAsync(string reason, CancellationToken cancellationToken);

    /// <summary>Starts Exo again after <see cref="StopExoAsync"/>; does nothing when it is already wanted running.</summary>
    void StartExo(string reason);
}
