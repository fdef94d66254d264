namespace Deror.Docker;

/// <summary>An image present in the engine's store.</summary>
/// <param name="Id">The image id (<c>sha256:...</c>).</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record DockerImageInfo(string Id, IReadOnlyList<string> RepoTags, DateTimeOffset? Created, long Size);
