namespace Deror.Docker.Json;

/// <summary>The parts of <c>GET /images/{name}/json</c> the client reads.</summary>
internal sealed class ImageInspectResponse
{
    public string Id { get; init; } = "";

    public IReadOnlyList<string>? RepoTags { get; init; }

    public string? Created { get; init; }

    public long Size { get; init; }
}
