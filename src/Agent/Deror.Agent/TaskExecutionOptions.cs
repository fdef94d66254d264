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
}
