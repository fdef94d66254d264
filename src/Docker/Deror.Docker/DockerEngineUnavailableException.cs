namespace Deror.Docker;

/// <summary>The engine's socket could not be reached, or the connection broke before the engine answered.</summary>
public sealed class DockerEngineUnavailableException(string socketPath, Exception innerException)
    : DockerException($"The Docker engine at unix://{socketPath} is not available: {innerException.Message}", innerException)
{
    public string SocketPath { get; } = socketPath;
}
