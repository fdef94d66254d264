namespace Deror.Docker;

/// <summary>How a container ended: its exit code, and the engine's error waiting for it, if any.</summary>
public sealed record DockerWaitResult(long ExitCode, string? Error);
