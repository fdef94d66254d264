namespace Deror.Docker;

/// <summary>What <see cref="DockerClient.InspectContainerAsync"/> reports about one container.</summary>
/// <param name="Name">The name without the engine's leading slash.</param>
/// <param name="Image">The image reference it was created from.</param>
/// <param name="MemoryBytes">The memory limit, 0 when unlimited.</param>
/// <param name="NanoCpus">The CPU limit in billionths of a CPU, 0 when unlimited.</param>
public sealed record DockerContainerInfo(
    string Id,
    string Name,
    string Image,
    IReadOnlyDictionary<string, string> Labels,
    DockerContainerState State,
    long MemoryBytes,
    long NanoCpus,
    DateTimeOffset? Created);

/// <summary>A container's state: whether it runs, and how it ended.</summary>
/// <param name="ExitCode">The last exit code (0 until it has exited; 137 after SIGKILL).</param>
/// <param name="OomKilled">The kernel killed it for exceeding its memory limit.</param>
/// <param name="Error">The engine's error starting it, if any.</param>
/// <param name="Pid">The main process's pid on the host while it runs, else 0.</param>
public sealed record DockerContainerState(
    DockerContainerStatus Status,
    bool Running,
    long ExitCode,
    bool OomKilled,
    string? Error,
    int Pid,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);
