using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Deror.Cli.Tests;

/// <summary>Runs the built <c>deror</c> as a real process, its output captured; disposing kills it by pid if it still runs.</summary>
public sealed class DerorProcess : IDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private DerorProcess(Process process)
    {
        _process = process;
    }

    public static string CliDll { get; } = typeof(DerorProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "DerorCliPath").Value!;

    public int Pid => _process.Id;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts <c>deror</c> with <paramref name="args"/>; <paramref name="environment"/> adds variables (DEROR_* from the
    /// developer's shell are removed, so only the test configures the CLI). SIGINT is reset to its default through
    /// <c>env</c>, as a shell's background job would otherwise start it ignored.
    /// </summary>
    public static DerorProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo("/usr/bin/env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        startInfo.ArgumentList.Add("--default-signal=INT");
        startInfo.ArgumentList.Add(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet");
        startInfo.ArgumentList.Add(CliDll);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("DEROR", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            startInfo.Environment.Remove(name);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }
        var deror = new DerorProcess(new Process { StartInfo = startInfo });
        deror._process.OutputDataReceived += (_, e) => Append(deror._stdout, e.Data);
        deror._process.ErrorDataReceived += (_, e) => Append(deror._stderr, e.Data);
        deror._process.Start();
        deror._process.BeginOutputReadLine();
        deror._process.BeginErrorReadLine();
        return deror;
    }

    /// <summary>Runs <c>deror</c> to completion.</summary>
    public static async Task<CliResult> RunAsync(params string[] args) => await RunAsync(args, null);

    public static async Task<CliResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment, TimeSpan? timeout = null)
    {
        using var deror = Start(args, environment);
        var exitCode = await deror.WaitForExitAsync(timeout ?? DefaultTimeout);
        return new CliResult(exitCode, deror.Stdout, deror.Stderr);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"deror (pid {Pid}) did not exit within {timeout.TotalSeconds} s.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>Waits until stdout has a line matching <paramref name="condition"/>; fails if the process exits first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (Stdout.Split('\n').FirstOrDefault(condition) is { } line)
            {
                return line;
            }
            if (HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"deror (pid {Pid}) printed no matching line {(HasExited ? "before it exited" : $"within {timeout.TotalSeconds} s")}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            }
            await Task.Delay(50);
        }
    }

    public void Signal(string name)
    {
        using var kill = Process.Start("kill", [$"-{name}", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
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

/// <summary>How a finished <c>deror</c> run ended.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit code {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
