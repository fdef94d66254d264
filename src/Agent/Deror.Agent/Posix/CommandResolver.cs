namespace Deror.Agent.Posix;

/// <summary>Finds a command the way a shell would, so a missing program is reported by name before anything starts.</summary>
public static class CommandResolver
{
    /// <summary>
    /// The full path of <paramref name="command"/>: a path (with a '/') relative to <paramref name="workingDirectory"/>,
    /// or a name looked up in <c>PATH</c>. Throws <see cref="FileNotFoundException"/> naming the command when there is none.
    /// </summary>
    public static string Resolve(string command, string? workingDirectory = null, string? searchPath = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        if (command.Contains('/', StringComparison.Ordinal))
        {
            var path = Path.GetFullPath(command, workingDirectory ?? Environment.CurrentDirectory);
            return IsExecutableFile(path) ? path : throw new FileNotFoundException($"Command '{command}' does not exist or is not executable.", path);
        }
        foreach (var directory in (searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, command);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"Command '{command}' was not found on PATH.", command);
    }

    private static bool IsExecutableFile(string path) =>
        !OperatingSystem.IsWindows() && File.Exists(path) && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
