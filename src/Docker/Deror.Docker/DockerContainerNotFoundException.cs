using System.Net;

namespace Deror.Docker;

/// <summary>No container has this id or name (it was never created, or has been removed).</summary>
public sealed class DockerContainerNotFoundException(string operation, string container, string engineMessage)
    : DockerApiException(operation, HttpStatusCode.NotFound, engineMessage, $"container {container} does not exist ({operation})")
{
    public string Container { get; } = container;
}
