namespace Deror.Docker;

/// <summary>What <see cref="DockerClient.WaitContainerAsync"/> waits for.</summary>
public enum DockerWaitCondition
{
    /// <summary>Until the container is not running; at once when it has already exited (or never started).</summary>
    NotRunning,

    /// <summary>Until the container's next exit, even if it is not running now.</summary>
    NextExit,

    /// <summary>Until the container has been removed.</summary>
    Removed,
}
