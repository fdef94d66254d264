namespace Deror.Docker.Json;

/// <summary>The parts of <c>GET /containers/{id}/json</c> the client reads.</summary>
internal sealed class ContainerInspectResponse
{
    public string Id { get; init; } = "";

    public string? Name { get; init; }

    public string? Created { get; init; }

    public ContainerStateResponse? State { get; init; }

    public ContainerConfigResponse? Config { get; init; }

    public ContainerHostConfigResponse? HostConfig { get; init; }
}

internal sealed class ContainerStateResponse
{
    public string? Status { get; init; }

    public bool Running { get; init; }

    public bool OOMKilled { get; init; }

    public int Pid { get; init; }

    public long ExitCode { get; init; }

    public string? Error { get; init; }

    public string? StartedAt { get; init; }

    public string? FinishedAt { get; init; }
}

internal sealed class ContainerConfigResponse
{
    public string? Image { get; init; }

    public Dictionary<string, string>? Labels { get; init; }
}

internal sealed class ContainerHostConfigResponse
{
    public long Memory { get; init; }

    public long NanoCpus { get; init; }
}
