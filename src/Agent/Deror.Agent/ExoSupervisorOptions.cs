namespace Deror.Agent;

/// <summary>What the silo does with the Exo process when the silo shuts down.</summary>
public enum ExoShutdownPolicy
{
    /// <summary>Stop Exo gracefully with the silo.</summary>
    Stop,
    /// <summary>Leave Exo serving; the next silo adopts it through the PID file.</summary>
    LeaveRunning,
}

/// <summary>How the sidecar runs the local Exo (<c>Deror:Sidecar:Exo</c>).</summary>
public sealed class ExoSupervisorOptions
{
    /// <summary>Whether this sidecar runs Exo. Off: Exo is managed elsewhere and only probed at <see cref="SidecarOptions.ExoApiUrl"/>.</summary>
    public bool Supervise { get; set; } = true;

    public string Command { get; set; } = "exo";

    public List<string> Arguments { get; set; } = [];

    public Dictionary<string, string> Environment { get; set; } = [];

    public string? WorkingDirectory { get; set; }

    /// <summary>
    /// Where the running Exo's pid is kept. At start a live process named there is adopted instead of starting a
    /// second Exo; the supervisor writes the pid of each Exo it starts. Exo's own lives at <c>~/.cache/exo/exo.pid</c>.
    /// </summary>
    public string? PidFile { get; set; }

    /// <summary>Exo's stdout and stderr are appended here; null: they go to the silo's own stdout and stderr.</summary>
    public string? LogFile { get; set; }

    /// <summary>Passed as <c>--namespace</c>: pin it so a rolling upgrade does not split the cluster by version.</summary>
    public string? Namespace { get; set; }

    /// <summary>Pass <c>--force-master</c> (one stable node as master reduces elections).</summary>
    public bool ForceMaster { get; set; }

    /// <summary>The first restart delay; it doubles with each failure in a row up to <see cref="MaxRestartDelay"/>.</summary>
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An Exo that ran this long counts as stable: its next failure restarts after <see cref="RestartDelay"/> again.</summary>
    public TimeSpan StableAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Failed liveness probes in a row after which a running Exo is restarted.</summary>
    public int FailedProbesBeforeRestart { get; set; } = 3;

    /// <summary>A started Exo that has not answered a probe within this time is restarted.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>After SIGINT, how long Exo gets to shut down before SIGTERM (Exo's own app: 5 s).</summary>
    public TimeSpan InterruptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>After SIGTERM, how long before SIGKILL (Exo's own app: 3 s).</summary>
    public TimeSpan TerminateTimeout { get; set; } = TimeSpan.FromSeconds(3);

    public ExoShutdownPolicy OnSiloShutdown { get; set; } = ExoShutdownPolicy.Stop;
}
