using System.Diagnostics;

namespace Deror.EndToEnd.Tests;

/// <summary>One real <c>Deror.Silo</c> process, its output in a log file; disposing kills it by PID if it still runs.</summary>
internal sealed class SiloProcess : IDisposable
{
    private readonly Process _process;

    private SiloProcess(string name, Process process, string logPath)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The test killed it: its exit is expected.</summary>
    public bool KilledByTest { get; private set; }

    /// <summary>
    /// Starts the silo with <paramref name="arguments"/> (<c>--Deror:...</c> settings). The shell only redirects
    /// output and execs, so the PID is the silo's own.
    /// </summary>
    public static SiloProcess Start(string name, IEnumerable<string> arguments, string logPath, string workingDirectory)
    {
        var startInfo = new ProcessStartInfo("/bin/sh") { WorkingDirectory = workingDirectory };
        foreach (var argument in (string[])["-c", "log=$1; shift; exec \"$@\" >\"$log\" 2>&1", name, logPath, BuildOutputs.Dotnet, BuildOutputs.SiloDll, .. arguments])
        {
            startInfo.ArgumentList.Add(argument);
        }
        // Only the arguments configure the silo, whatever the developer's shell exports.
        foreach (var variable in startInfo.Environment.Keys.Where(k => k.StartsWith("DEROR", StringComparison.OrdinalIgnoreCase) || k.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            startInfo.Environment.Remove(variable);
        }
        return new SiloProcess(name, Process.Start(startInfo)!, logPath);
    }

    /// <summary>SIGKILL: the silo dies as with a power cut, its sidecar with it (the Exo it started lives on in its own session).</summary>
    public void Kill()
    {
        KilledByTest = true;
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    public string LogTail(int lines) => LogFiles.Tail(LogPath, lines);

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
