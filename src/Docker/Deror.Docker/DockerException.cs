namespace Deror.Docker;

/// <summary>The base of every error <see cref="DockerClient"/> reports about the engine.</summary>
public class DockerException : Exception
{
    public DockerException(string message)
        : base(message)
    {
    }

    public DockerException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
