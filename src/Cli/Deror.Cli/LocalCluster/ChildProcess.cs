using System.Diagnostics;

namespace Deror.Cli.LocalCluster;

/// <summary>
/// A process <c>deror up</c> started: in its own session (so a terminal's Ctrl-C reaches only <c>deror</c>, which
/// then stops it in order), its output appended to a log file, stopped by pid: SIGTERM, then SIGKILL.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const string Setsid = "/usr/bin/setsid";

    private readonly Process _process;
    private readonly Task _pump;

    private ChildProcess(string name, Process process, Task pump, string logPath)
    {
        Name = name;
        _process = process;
        _pump = pump;
        LogPath = logPath;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public Task Exited => _process.WaitForExitAsync();

    public static ChildProcess Start(string name, string program, IEnumerable<string> arguments, string logPath)
    {
        // setsid execs in place (the child is no group leader), so the pid we hold is the program's own.
        var viaSetsid = File.Exists(Setsid);
        var startInfo = new ProcessStartInfo(viaSetsid ? Setsid : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (viaSetsid)
        {
            startInfo.ArgumentList.Add(program);
        }
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var log = new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {program}.");
        process.StandardInput.Close();
        var pump = PumpAsync(process, log);
        return new ChildProcess(name, process, pump, logPath);
    }

    /// <summary>SIGTERM, and SIGKILL if it is still running after <paramref name="timeout"/> or once <paramref name="force"/> is cancelled.</summary>
    public async Task<bool> StopAsync(TimeSpan timeout, CancellationToken force)
    {
        if (_process.HasExited)
        {
            return true;
        }
        PosixSignals.Send(Pid, PosixSignals.SIGTERM);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(force);
        deadline.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            PosixSignals.Send(Pid, PosixSignals.SIGKILL);
            await _process.WaitForExitAsync(CancellationToken.None);
            return false;
        }
    }

    /// <summary>The last lines of the log, for an error message about a process that failed.</summary>
    public async Task<string> LogTailAsync(int lines = 15)
    {
        try
        {
            await _pump.WaitAsync(TimeSpan.FromSeconds(2)); // the process has exited: let its last lines reach the file
        }
        catch (TimeoutException)
        {
        }
        using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var all = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('\n', all.TakeLast(lines));
    }

    private static async Task PumpAsync(Process process, FileStream log)
    {
        await using (log)
        {
            var gate = new SemaphoreSlim(1, 1);
            async Task Copy(StreamReader from)
            {
                while (await from.ReadLineAsync() is { } line)
                {
                    var bytes = System.Text.Encoding.UTF8.GetBytes(line + "\n");
                    await gate.WaitAsync();
                    try
                    {
                        await log.WriteAsync(bytes);
                        await log.FlushAsync();
                    }
                    finally
                    {
                        gate.Release();
                    }
                }
            }
            await Task.WhenAll(Copy(process.StandardOutput), Copy(process.StandardError));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            PosixSignals.Send(Pid, PosixSignals.SIGKILL);
            await _process.WaitForExitAsync();
        }
        await _pump;
        _process.Dispose();
    }
}
