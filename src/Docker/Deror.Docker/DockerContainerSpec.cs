using System.Text.RegularExpressions;

namespace Deror.Docker;

/// <summary>
/// What to create a container from. The container gets no TTY and no stdin, so its logs keep stdout and stderr apart.
/// A memory limit also caps swap at the same size, so a container over its limit is OOM-killed rather than swapping.
/// </summary>
public sealed partial record DockerContainerSpec
{
    /// <summary>The image reference, e.g. <c>busybox:latest</c>; it must be present (the client never pulls).</summary>
    public required string Image { get; init; }

    /// <summary>The command and its arguments (the image's <c>CMD</c> when unset).</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>Replaces the image's <c>ENTRYPOINT</c> when set.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }

    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>An absolute path inside the container.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Labels to find the container by later (<see cref="DockerClient.ListContainersAsync"/>).</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>A user name or <c>uid[:gid]</c> inside the container.</summary>
    public string? User { get; init; }

    /// <summary>The CPU limit in billionths of a CPU (1 CPU = 1,000,000,000); at most the engine's CPU count.</summary>
    public long? NanoCpus { get; init; }

    /// <summary>The memory limit in bytes (the engine's minimum is 6 MiB).</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>
    /// <c>none</c>, <c>host</c>, <c>bridge</c> or a network's name; unset, the engine's default (its bridge, which an
    /// engine started with <c>--bridge=none</c> does not have: use <c>none</c> there).
    /// </summary>
    public string? NetworkMode { get; init; }

    /// <summary>A unique container name; unset, the engine makes one up.</summary>
    public string? Name { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Image) || Image.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"The image reference '{Image}' must be non-empty and contain no whitespace.", nameof(Image));
        }
        if (Command is not null && Command.Any(argument => argument is null))
        {
            throw new ArgumentException("The command must not contain null arguments.", nameof(Command));
        }
        if (Entrypoint is not null && Entrypoint.Any(argument => argument is null))
        {
            throw new ArgumentException("The entrypoint must not contain null arguments.", nameof(Entrypoint));
        }
        if (Environment?.Keys.FirstOrDefault(key => key.Length == 0 || key.Contains('=', StringComparison.Ordinal)) is { } badKey)
        {
            throw new ArgumentException($"The environment variable name '{badKey}' must be non-empty and contain no '='.", nameof(Environment));
        }
        if (WorkingDirectory is not null && !WorkingDirectory.StartsWith('/'))
        {
            throw new ArgumentException($"The working directory '{WorkingDirectory}' must be an absolute path inside the container.", nameof(WorkingDirectory));
        }
        if (Labels?.Keys.FirstOrDefault(key => key.Length == 0) is not null)
        {
            throw new ArgumentException("Label keys must be non-empty.", nameof(Labels));
        }
        if (NanoCpus is <= 0)
        {
            throw new ArgumentException($"The CPU limit must be positive, not {NanoCpus} nano-CPUs.", nameof(NanoCpus));
        }
        if (MemoryBytes is <= 0)
        {
            throw new ArgumentException($"The memory limit must be positive, not {MemoryBytes} bytes.", nameof(MemoryBytes));
        }
        if (Name is not null && !ContainerName().IsMatch(Name))
        {
            throw new ArgumentException($"The container name '{Name}' must match [a-zA-Z0-9][a-zA-Z0-9_.-]+.", nameof(Name));
        }
    }

    // The engine's own rule for container names.
    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")]
    private static partial Regex ContainerName();
}
