namespace Deror.Docker;

/// <summary>
/// A container's captured output. Each stream keeps its last bytes up to the capture limit (the end of a failing
/// task's output is what explains it); a truncated stream says so.
/// </summary>
public sealed record DockerLogs(string Stdout, string Stderr, bool StdoutTruncated, bool StderrTruncated)
{
    public bool Truncated => StdoutTruncated || StderrTruncated;
}
