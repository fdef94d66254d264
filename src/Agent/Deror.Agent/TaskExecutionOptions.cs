namespace Deror.Agent;

/// <summary>How this node runs tasks (<c>Deror:Sidecar:Tasks</c>).</summary>
public sealed class TaskExecutionOptions
{
    /// <summary>Whether process tasks may run here (they run as the silo's user).</summary>
    public bool EnableProcesses { get; set; } = true;

    /// <summary>Whether container tasks may run here (through the local Docker engine).</summary>
    public bool EnableContainers { get; set; } = true;

    /// <summary>The Docker engine's unix socket.</summary>
    public string DockerSocket { get; set; } = "/var/run/docker.sock";

    /// <summary>The network containers join (<c>none</c>, <c>host</c>, <c>bridge</c>, a network name); null: the engine's default.</summary>
    public string? ContainerNetwork { get; set; }

    /// <summary>How much of a task's output is kept: the last this many bytes.</summary>
    public int MaxLogBytes { get; set; } = 64 * 1024;

    /// <summary>A cancelled process task's group gets SIGTERM, then SIGKILL after this long.</summary>
    public TimeSpan KillGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// An attempt that ends within this long reports its start together with its end (one grain call and one store
    /// write instead of two); a longer one reports its start once this has passed. Zero reports every start at once.
    /// </summary>
    public TimeSpan StartReportDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often a running process or container task's new output is sent to its task grain (live logs).</summary>
    public TimeSpan LiveOutputInterval { get; set; } = TimeSpan.FromSeconds(1);
}
