namespace Deror.Agent.Posix;

/// <summary>What to start, and where its output goes.</summary>
public sealed record ProcessLaunch
{
    public required string Command { get; init; }

    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Added to (or replacing in) the silo's own environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public string? WorkingDirectory { get; init; }

    /// <summary>Pipe stdout and stderr to the agent (<see cref="SessionProcess.StandardOutput"/>, <see cref="SessionProcess.StandardError"/>).</summary>
    public bool CaptureOutput { get; init; }

    /// <summary>
    /// Append stdout and stderr to this file instead. Unlike pipes, a file outlives the silo, so a process left
    /// running when the silo stops does not write into a closed pipe.
    /// </summary>
    public string? OutputFile { get; init; }
}
