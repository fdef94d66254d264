using System.Diagnostics;

namespace Deror.Agent.Posix;

/// <summary>
/// A process started in its own session (and so its own process group, whose id is its pid): signals for the
/// silo's terminal do not reach it, and cancelling it can signal the whole group, grandchildren included.
/// </summary>
/// <remarks>
/// .NET cannot create a process group on Unix, so the process is started through util-linux <c>setsid</c>, which
/// calls setsid() and then execs the command in the same process: the pid .NET sees is the command's.
/// </remarks>
public sealed class SessionProcess : IProcessHandle, IDisposable
{
    // sh only sets up the redirection and then execs setsid, which execs the command: one pid throughout.
    private const string RedirectScript = "exec >>\"$1\" 2>&1; shift; exec \"$@\"";

    private static readonly Lazy<string> SetsidPath = new(() =>
    {
        try
        {
            return CommandResolver.Resolve("setsid");
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidOperationException("The agent needs util-linux 'setsid' on PATH to start processes in their own process group.", e);
        }
    });

    private readonly Process _process;

    private SessionProcess(Process process)
    {
        _process = process;
        Pid = process.Id;
        Exited = process.WaitForExitAsync();
    }

    public int Pid { get; }

    public bool LeadsGroup => true;

    public Task Exited { get; }

    /// <summary>The exit code (128 + signal number when a signal ended it); only valid once <see cref="Exited"/> completed.</summary>
    public int ExitCode => _process.ExitCode;

    public StreamReader StandardOutput => _process.StandardOutput;

    public StreamReader StandardError => _process.StandardError;

    /// <summary>
    /// Starts the process. Throws <see cref="FileNotFoundException"/> when the command does not exist and
    /// <see cref="DirectoryNotFoundException"/> when the working directory does not.
    /// </summary>
    public static SessionProcess Start(ProcessLaunch launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        if (launch.WorkingDirectory is { } cwd && !Directory.Exists(cwd))
        {
            throw new DirectoryNotFoundException($"Working directory '{cwd}' does not exist.");
        }
        var searchPath = launch.Environment.TryGetValue("PATH", out var path) ? path : null;
        var command = CommandResolver.Resolve(launch.Command, launch.WorkingDirectory, searchPath);

        var info = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = launch.CaptureOutput,
            RedirectStandardError = launch.CaptureOutput,
        };
        if (launch.WorkingDirectory is not null)
        {
            info.WorkingDirectory = launch.WorkingDirectory;
        }
        foreach (var (name, value) in launch.Environment)
        {
            info.Environment[name] = value;
        }
        if (launch.OutputFile is { } file)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            info.FileName = "/bin/sh";
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(RedirectScript);
            info.ArgumentList.Add("sh");
            info.ArgumentList.Add(Path.GetFullPath(file));
            info.ArgumentList.Add(SetsidPath.Value);
        }
        else
        {
            info.FileName = SetsidPath.Value;
        }
        info.ArgumentList.Add("--");
        info.ArgumentList.Add(command);
        foreach (var argument in launch.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Starting '{launch.Command}' failed.");
        // Nothing is ever written to stdin; closing it gives the process EOF instead of a pipe that never speaks.
        process.StandardInput.Close();
        return new SessionProcess(process);
    }

    public void Dispose() => _process.Dispose();
}
