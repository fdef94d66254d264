using System.Diagnostics;
using System.Text;

namespace Deror.Runtime.Tests.Hosting;

/// <summary>A Deror.Silo process started with <c>dotnet</c>, its output captured; disposing kills it if it still runs.</summary>
internal sealed class SiloProcess : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    private SiloProcess(Process process)
    {
        _process = process;
    }

    public string StandardError
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>Everything the process wrote, for assertion messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return $"{_output}{StandardError}";
            }
        }
    }

    public static SiloProcess Start(string workingDirectory, params string[] args) => Start(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>Starts the silo with extra environment variables (e.g. <c>DOTNET_STARTUP_HOOKS</c>, see <see cref="TestGrainsHook"/>).</summary>
    public static SiloProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
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
        // Only the arguments configure the silo, whatever the developer's shell exports.
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("DEROR", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            startInfo.Environment.Remove(name);
        }
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }
        var silo = new SiloProcess(new Process { StartInfo = startInfo });
        silo._process.OutputDataReceived += (_, e) => Append(silo._output, e.Data);
        silo._process.ErrorDataReceived += (_, e) => Append(silo._error, e.Data);
        silo._process.Start();
        silo._process.BeginOutputReadLine();
        silo._process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>
    /// Environment that makes the silo load the test grains (<c>Deror.Testing.Grains</c>, built next to the tests) as a
    /// .NET startup hook, so a real silo process hosts them besides its own grains.
    /// </summary>
    public static IReadOnlyDictionary<string, string> TestGrainsHook()
    {
        var hook = Path.Combine(AppContext.BaseDirectory, "Deror.Testing.Grains.dll");
        return File.Exists(hook)
            ? new Dictionary<string, string> { ["DOTNET_STARTUP_HOOKS"] = hook }
            : throw new FileNotFoundException($"The test grains are not built: {hook} is missing.", hook);
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Asks for a graceful shutdown the way a service manager does (SIGTERM) and returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        await SignalAsync("TERM");
        return await WaitForExitAsync();
    }

    /// <summary>Sends a signal by name (KILL, STOP, CONT, TERM) to the silo process.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Kills the process at once (SIGKILL): no shutdown code runs, as in a crash.</summary>
    public async Task KillAsync()
    {
        await SignalAsync("KILL");
        await _process.WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(ExitTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The silo (pid {_process.Id}) did not exit within {ExitTimeout.TotalSeconds} s. Output:\n{Output}");
        }
        // The process has exited; this also waits until its redirected output has been read to the end.
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

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is not null)
        {
            lock (buffer)
            {
                buffer.AppendLine(line);
            }
        }
    }
}
