using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Deror.PyHost.Tests.Infrastructure;

/// <summary>
/// A child process (deror-py or a Jupyter tool) with its output captured. Only the given DEROR_* variables reach
/// it, whatever the developer's shell exports. Disposing kills it by PID if it still runs.
/// </summary>
internal sealed class HostProcess : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _watches = [];

    private HostProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StandardOutput => Read(_output);

    public string StandardError => Read(_error);

    /// <summary>Both streams, for assertion messages.</summary>
    public string Output => $"--- stdout\n{StandardOutput}--- stderr\n{StandardError}";

    /// <summary>Starts deror-py with <paramref name="args"/>.</summary>
    public static HostProcess StartDerorPy(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, bool redirectInput = false)
        => Start(RepositoryPaths.DerorPy, args, environment, workingDirectory, redirectInput);

    public static HostProcess Start(string executable, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, bool redirectInput = false)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("DEROR", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            startInfo.Environment.Remove(name);
        }
        startInfo.Environment["PYTHONUNBUFFERED"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }
        var host = new HostProcess(new Process { StartInfo = startInfo });
        host._process.OutputDataReceived += (_, e) => host.Append(host._output, e.Data);
        host._process.ErrorDataReceived += (_, e) => host.Append(host._error, e.Data);
        host._process.Start();
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        return host;
    }

    public StreamWriter Input => _process.StandardInput;

    /// <summary>Completes with the first output line (either stream) that matches.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_watches)
        {
            var existing = (StandardOutput + StandardError).Split('\n').FirstOrDefault(match);
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }
            _watches.Add((match, seen));
        }
        return seen.Task.WaitAsync(timeout);
    }

    /// <summary>Sends a signal by name (INT, TERM, KILL).</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits for the exit (failing the test after a minute) and returns the exit code, output read to the end.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? ExitTimeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{Path.GetFileName(_process.StartInfo.FileName)} (pid {_process.Id}) did not exit within {(timeout ?? ExitTimeout).TotalSeconds} s.\n{Output}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    private void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (buffer)
        {
            buffer.AppendLine(line);
        }
        lock (_watches)
        {
            foreach (var watch in _watches.Where(w => w.Match(line)).ToArray())
            {
                _watches.Remove(watch);
                watch.Seen.TrySetResult(line);
            }
        }
    }

    private static string Read(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }
}
