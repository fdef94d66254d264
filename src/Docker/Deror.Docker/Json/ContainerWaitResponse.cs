namespace Deror.Docker.Json;

internal sealed class ContainerWaitResponse
{
    public long StatusCode { get; init; }

    public ContainerWaitError? Error { get; init; }
}

internal sealed class ContainerWaitError
{
    public string? Message { get; init; }
}
