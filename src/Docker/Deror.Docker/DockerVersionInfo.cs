namespace Deror.Docker;

/// <summary>The engine's version and the API versions it serves (<c>GET /version</c>).</summary>
public sealed record DockerVersionInfo(
    string Version,
    DockerApiVersion ApiVersion,
    DockerApiVersion MinApiVersion,
    string Os,
    string Arch,
    string KernelVersion);
