namespace Deror.Docker.Json;

/// <summary>One element of <c>GET /containers/json</c>.</summary>
internal sealed class ContainerSummaryResponse
{
    public string Id { get; init; } = "";

    public IReadOnlyList<string>? Names { get; init; }

    public string? Image { get; init; }

    public string? State { get; init; }

    public string? Status { get; init; }

    public Dictionary<string, string>? Labels { get; init; }

    /// <summary>Unix seconds.</summary>
    public long Created { get; init; }
}
