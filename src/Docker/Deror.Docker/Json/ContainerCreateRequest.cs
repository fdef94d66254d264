namespace Deror.Docker.Json;

/// <summary>The body of <c>POST /containers/create</c>, with only the fields the client sets.</summary>
internal sealed class ContainerCreateRequest
{
    public required string Image { get; init; }

    public IReadOnlyList<string>? Cmd { get; init; }

    public IReadOnlyList<string>? Entrypoint { get; init; }

    public IReadOnlyList<string>? Env { get; init; }

    public string? WorkingDir { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    public string? User { get; init; }

    public bool AttachStdin { get; init; }

    public bool AttachStdout { get; init; }

    public bool AttachStderr { get; init; }

    public bool OpenStdin { get; init; }

    public bool Tty { get; init; }

    public required HostConfigRequest HostConfig { get; init; }
}

internal sealed class HostConfigRequest
{
    public long? NanoCpus { get; init; }

    public long? Memory { get; init; }

    public long? MemorySwap { get; init; }

    public string? NetworkMode { get; init; }
}
