using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Deror.Benchmarks.Tasks;

/// <summary>
/// `deror up --nodes N` as a real process tree (silos, sidecars, exo-sim nodes) on its own ports and data directory,
/// exactly what a user runs; stopped with SIGINT, the way a user stops it.
/// </summary>
public sealed partial class LocalClusterProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly string _logDirectory;

    private LocalClusterProcess(Process process, string directory, string logDirectory, int gatewayPort, int httpPort, int nodes)
    {
        _process = process;
        _directory = directory;
        _logDirectory = logDirectory;
        Gateways = [.. Enumerable.Range(0, nodes).Select(i => $"127.0.0.1:{gatewayPort + i}")];
        MetricsUrls = [.. Enumerable.Range(0, nodes).Select(i => new Uri($"http://127.0.0.1:{httpPort + i}/metrics"))];
    }

    public IReadOnlyList<string> Gateways { get; }

    public IReadOnlyList<Uri> MetricsUrls { get; }

    public static async Task<LocalClusterProcess> StartAsync(int nodes, int basePort, string logDirectory)
    {
        var directory = Directory.CreateTempSubdirectory("deror-bench-up-").FullName;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var p = (int offset) => (basePort + offset).ToString(CultureInfo.InvariantCulture);
        foreach (var argument in new[] { CliDll(), "up", "--nodes", nodes.ToString(CultureInfo.InvariantCulture), "--data-dir", directory,
                     "--gateway-port", p(0), "--silo-port", p(100), "--http-port", p(200), "--exo-port", p(300) })
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start)!;
        var cluster = new LocalClusterProcess(process, directory, logDirectory, basePort, basePort + 200, nodes);
        var ready = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.Contains("http://127.0.0.1:", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { Console.Error.WriteLine($"[deror up] {line}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromMinutes(3)));
        if (first != ready.Task)
        {
            var why = first == exited ? $"exited with code {process.ExitCode} (its errors are above)" : "did not report a ready cluster within 3 minutes";
            await cluster.DisposeAsync();
            throw new InvalidOperationException($"`deror up` {why}.");
        }
        return cluster;
    }

    /// <summary>The sum over every silo of one Prometheus counter (e.g. <c>deror_state_writes_total</c>).</summary>
    public async Task<double> SumCounterAsync(string name)
    {
        using var http = new HttpClient();
        var total = 0.0;
        foreach (var url in MetricsUrls)
        {
            var text = await http.GetStringAsync(url);
            foreach (Match match in SampleLine().Matches(text))
            {
                if (match.Groups["name"].Value == name)
                {
                    total += double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
                }
            }
        }
        return total;
    }

    /// <summary>A histogram's cumulative bucket counts summed over the silos, by upper bound (+Inf as infinity), ascending.</summary>
    public async Task<IReadOnlyList<(double UpperBound, double Count)>> SumHistogramAsync(string name)
    {
        using var http = new HttpClient();
        var buckets = new SortedDictionary<double, double>();
        foreach (var url in MetricsUrls)
        {
            var text = await http.GetStringAsync(url);
            foreach (Match match in BucketLine().Matches(text))
            {
                if (match.Groups["name"].Value == name)
                {
                    var le = match.Groups["le"].Value;
                    var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
                    buckets[bound] = buckets.GetValueOrDefault(bound) + double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
                }
            }
        }
        return [.. buckets.Select(b => (b.Key, b.Value))];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var interrupt = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync();
            }
            if (!_process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
        // The silos' and Exo nodes' logs outlive the run, as the other process suites' do.
        // (None when `deror up` refused to start, e.g. on a port in use.)
        Directory.CreateDirectory(_logDirectory);
        var logs = Path.Combine(_directory, "logs");
        foreach (var log in Directory.Exists(logs) ? Directory.EnumerateFiles(logs) : [])
        {
            File.Copy(log, Path.Combine(_logDirectory, Path.GetFileName(log)), overwrite: true);
        }
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string CliDll()
    {
        var configuration = typeof(LocalClusterProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var dll = Path.Combine(Processes.SiloBuildOutput.RepositoryRoot(), "src", "Cli", "Deror.Cli", "bin", configuration, "net10.0", "deror.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"The deror CLI is not built: {dll} is missing.", dll);
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)_bucket\{[^}]*le=""(?<le>[^""]+)""[^}]*\} (?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex BucketLine();
}
