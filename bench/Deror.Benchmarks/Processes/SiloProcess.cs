using System.Diagnostics;
using System.Globalization;

namespace Deror.Benchmarks.Processes;

/// <summary>
/// One Deror.Silo process, its output appended to a log file (kept after the run as evidence). Disposing kills it,
/// by its own PID, if it still runs.
/// </summary>
public sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private bool _logClosed;

    private SiloProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static SiloProcess Start(string workingDirectory, string logPath, IEnumerable<string> args)
    {
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add(SiloBuildOutput.SiloDll());
        // Several silos share this machine: each HTTP API on a port of its own (later arguments still override it).
        startInfo.ArgumentList.Add("--Deror:Http:Port=0");
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }
        // Only the arguments configure the silo, whatever the shell exports.
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("DEROR", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            startInfo.Environment.Remove(name);
        }
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var silo = new SiloProcess(new Process { StartInfo = startInfo }, log);
        silo._process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        silo._process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        silo._process.Start();
        silo.Append($"[bench] started pid {silo.Pid} at {DateTime.UtcNow:O}");
        silo._process.BeginOutputReadLine();
        silo._process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Sends a signal by name (KILL, STOP, CONT) to this process only.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", Pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Append($"[bench] SIG{signal} at {DateTime.UtcNow:O}");
    }

    /// <summary>Waits for the process to end; false if it still runs after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
        lock (_log)
        {
            // Output events can still arrive after the process is gone.
            _logClosed = true;
            _log.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            if (!_logClosed)
            {
                _log.WriteLine(line);
            }
        }
    }
}
