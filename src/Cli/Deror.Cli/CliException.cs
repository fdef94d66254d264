namespace Deror.Cli;

/// <summary>A failure the CLI itself detected, with the exit code it ends in and a message for one <c>error:</c> line.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
