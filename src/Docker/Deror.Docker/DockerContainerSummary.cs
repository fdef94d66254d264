namespace Deror.Docker;

/// <summary>One container as <see cref="DockerClient.ListContainersAsync"/> lists it.</summary>
/// <param name="Names">Its names without the engine's leading slash.</param>
/// <param name="StatusText">The engine's human text, e.g. <c>Exited (0) 3 seconds ago</c>.</param>
public sealed record DockerContainerSummary(
    string Id,
    IReadOnlyList<string> Names,
    string Image,
    DockerContainerStatus Status,
    string StatusText,
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset Created);
