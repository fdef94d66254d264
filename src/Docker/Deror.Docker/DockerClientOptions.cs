namespace Deror.Docker;

/// <summary>How <see cref="DockerClient"/> reaches the Docker engine.</summary>
public sealed class DockerClientOptions
{
    public const string DefaultSocketPath = "/var/run/docker.sock";

    /// <summary>The engine's unix socket (dockerd <c>--host unix://PATH</c>).</summary>
    public string SocketPath { get; set; } = DefaultSocketPath;

    /// <summary>
    /// An Engine API version to speak, e.g. <c>1.41</c>; unset, the client asks the engine (<c>GET /version</c>) once
    /// and speaks the newer of what both support (see <see cref="DockerApiVersion"/>).
    /// </summary>
    public string? ApiVersion { get; set; }

    /// <summary>How long any call may take, except waiting for a container to exit, which only its token bounds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many bytes of each stream (stdout, stderr) a log capture keeps by default: the last ones.</summary>
    public int MaxLogBytes { get; set; } = 1024 * 1024;
}
