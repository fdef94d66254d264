namespace Deror.Docker;

/// <summary>A container's state as the engine names it (<c>State.Status</c>).</summary>
public enum DockerContainerStatus
{
    /// <summary>A state this client does not know (a newer engine's).</summary>
    Unknown,
    Created,
    Running,
    Paused,
    Restarting,
    Removing,
    Exited,
    Dead,
}

internal static class DockerContainerStatusParser
{
    public static DockerContainerStatus Parse(string? status) => status switch
    {
        "created" => DockerContainerStatus.Created,
        "running" => DockerContainerStatus.Running,
        "paused" => DockerContainerStatus.Paused,
        "restarting" => DockerContainerStatus.Restarting,
        "removing" => DockerContainerStatus.Removing,
        "exited" => DockerContainerStatus.Exited,
        "dead" => DockerContainerStatus.Dead,
        _ => DockerContainerStatus.Unknown,
    };
}
