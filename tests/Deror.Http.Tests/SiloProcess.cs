using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace Deror.Http.Tests;

/// <summary>The real Deror.Silo executable, run with <c>dotnet</c> in a temp dir; disposing kills it (by PID) if it still runs.</summary>
internal sealed class SiloProcess : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(Process process)
    {
        _process = process;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string StandardError { get; private set; } = "";

    public static SiloProcess Start(string workingDirectory, params string[] args)
    {
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add(SiloDll());
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }
        // Only the arguments configure the silo, whatever the developer's shell exports.
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("DEROR", StringComparison.OrdinalIgnoreCase) || k.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            startInfo.Environment.Remove(name);
        }
        var silo = new SiloProcess(new Process { StartInfo = startInfo });
        var error = new StringBuilder();
        silo._process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        silo._process.ErrorDataReceived += (_, e) =>
        {
            silo.Append(e.Data);
            if (e.Data is not null)
            {
                lock (error)
                {
                    error.AppendLine(e.Data);
                    silo.StandardError = error.ToString();
                }
            }
        };
        silo._process.Start();
        silo._process.BeginOutputReadLine();
        silo._process.BeginErrorReadLine();
        return silo;
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
        // Exited; this also waits until the redirected output has been read to the end.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Asks for a graceful stop the way a service manager does (SIGTERM) and returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        return await WaitForExitAsync();
    }

    public bool HasExited => _process.HasExited;

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    /// <summary>The silo the test project's build produced (same configuration as the tests).</summary>
    private static string SiloDll()
    {
        var configuration = typeof(SiloProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Directory.Packages.props")))
            {
                var dll = Path.Combine(directory.FullName, "src", "Silo", "Deror.Silo", "bin", configuration, "net10.0", "Deror.Silo.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"The silo is not built: {dll} is missing.", dll);
            }
        }
        throw new DirectoryNotFoundException($"No repository root (a directory with Directory.Packages.props) above {AppContext.BaseDirectory}.");
    }
}
