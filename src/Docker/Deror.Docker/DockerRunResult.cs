namespace Deror.Docker;

/// <summary>How a container run by <see cref="DockerClient.RunToCompletionAsync"/> ended.</summary>
/// <param name="ExitCode">Its exit code (137 when it was killed, as after a timeout).</param>
/// <param name="TimedOut">It ran past its timeout and was killed.</param>
/// <param name="OomKilled">The kernel killed it for exceeding its memory limit.</param>
public sealed record DockerRunResult(string ContainerId, long ExitCode, bool TimedOut, bool OomKilled, DockerLogs Logs);
