using System.Net;

namespace Deror.Docker;

/// <summary>The image is not in the engine's store. The client never pulls: a task's image must be present.</summary>
public sealed class DockerImageNotFoundException(string operation, string image, string engineMessage)
    : DockerApiException(operation, HttpStatusCode.NotFound, engineMessage, $"image {image} is not present")
{
    public string Image { get; } = image;
}
