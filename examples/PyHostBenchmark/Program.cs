// Python → grain call latency through deror-py against the same call from the .NET client.
//   dotnet run -c Release --project examples/PyHostBenchmark [-- CALLS]
// One in-process silo (loopback TCP gateway) hosts IHelloGrain; both callers run in their own process and call
// GetGreetingCount (no state write) over their own gateway connection, one call at a time. The two sides take
// turns in rounds (after a warm-up round each), so a change in the machine's load lands on both, not on one.
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Deror.Grains;
using Deror.Hosting;
using Deror.TestingHost;

const int Rounds = 40;

if (args is ["--dotnet-client", var gatewayArg, var clusterArg])
{
    // The baseline runs in its own process, as deror-py does: both pay the same cross-process wake-ups.
    await ServeDotnetClientAsync(gatewayArg, clusterArg);
    return 0;
}

var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var root = FindRepositoryRoot();
var configuration = typeof(Program).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
var derorPy = Path.Combine(root, "src", "PyHost", "Deror.PyHost", "bin", configuration, "net10.0", "deror-py");

const string ClusterId = "pyhost-bench";
await using var cluster = await InProcessTestCluster.StartAsync(o =>
{
    o.ClusterId = ClusterId;
    o.ConfigureSilo(silo => silo.AddGrainAssembly(typeof(HelloGrain).Assembly).AddMemoryGrainStorage());
});
var gateway = cluster.Primary.GatewayEndpoint.ToString();

// The baseline process starts the way this one did: `dotnet PyHostBenchmark.dll`, or its apphost (what `dotnet run` runs).
string[] self = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? [typeof(Program).Assembly.Location] : [];
using var dotnetSide = Caller.Start("dotnet", Environment.ProcessPath!, [.. self, "--dotnet-client", gateway, ClusterId], gateway, ClusterId);
using var pythonSide = Caller.Start("python", derorPy, [Path.Combine(root, "examples", "pyhost_latency.py")], gateway, ClusterId);

var perRound = Math.Max(1, calls / Rounds);
var roundRatios = new List<double>();
foreach (var side in new[] { dotnetSide, pythonSide })
{
    await side.RunAsync(Math.Max(500, perRound)); // warm-up: connection, JIT, reflection caches
    side.Samples.Clear();
}
for (var round = 0; round < Rounds; round++)
{
    // Alternate who goes first, so neither side always runs right after the other's burst.
    var (first, second) = round % 2 == 0 ? (dotnetSide, pythonSide) : (pythonSide, dotnetSide);
    var firstRound = await first.RunAsync(perRound);
    var secondRound = await second.RunAsync(perRound);
    var (dotnetRound, pythonRound) = first == dotnetSide ? (firstRound, secondRound) : (secondRound, firstRound);
    roundRatios.Add(Stats.Percentile(pythonRound, 0.5) / Stats.Percentile(dotnetRound, 0.5));
}
Console.WriteLine(dotnetSide.Summary());
Console.WriteLine(pythonSide.Summary());
roundRatios.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"ratio p50 python/dotnet = {Stats.Percentile(pythonSide.Samples, 0.5) / Stats.Percentile(dotnetSide.Samples, 0.5):0.00} (target <= 1.30); per round {roundRatios[0]:0.00}-{roundRatios[^1]:0.00}, median {Stats.Percentile(roundRatios, 0.5):0.00}"));
return 0;

/// <summary>Answers each line N on stdin with N timed calls, one line of nanoseconds, as examples/pyhost_latency.py does.</summary>
static async Task ServeDotnetClientAsync(string gateway, string clusterId)
{
    await using var client = await Deror.Client.DerorClient.ConnectAsync(gateway, clusterId);
    var greeter = client.GetGrain<IHelloGrain>("latency");
    while (Console.ReadLine() is { } line)
    {
        var samples = new long[int.Parse(line, CultureInfo.InvariantCulture)];
        for (var i = 0; i < samples.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await greeter.GetGreetingCount();
            samples[i] = (long)Stopwatch.GetElapsedTime(started).TotalNanoseconds;
        }
        Console.WriteLine(string.Join(' ', samples));
    }
}

static string FindRepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Directory.Packages.props")))
        {
            return directory.FullName;
        }
    }
    throw new DirectoryNotFoundException("No repository root above the benchmark.");
}

/// <summary>One calling process, driven round by round over stdin; keeps every call's time in microseconds.</summary>
sealed class Caller(string name, Process process) : IDisposable
{
    public List<double> Samples { get; } = [];

    public static Caller Start(string name, string executable, string[] arguments, string gateway, string clusterId)
    {
        var process = Process.Start(new ProcessStartInfo(executable, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            Environment = { ["DEROR_GATEWAY"] = gateway, ["DEROR_CLUSTER_ID"] = clusterId },
        })!;
        return new Caller(name, process);
    }

    /// <summary>Makes <paramref name="calls"/> calls on that side; their times in microseconds.</summary>
    public async Task<List<double>> RunAsync(int calls)
    {
        await process.StandardInput.WriteLineAsync(calls.ToString(CultureInfo.InvariantCulture));
        await process.StandardInput.FlushAsync();
        var line = await process.StandardOutput.ReadLineAsync()
            ?? throw new InvalidOperationException($"The {name} caller exited (code {(process.WaitForExit(5000) ? process.ExitCode : -1)}) without answering.");
        var round = line.Split(' ').Select(ns => long.Parse(ns, CultureInfo.InvariantCulture) / 1000.0).ToList();
        Samples.AddRange(round);
        return round;
    }

    public string Summary()
    {
        return string.Create(CultureInfo.InvariantCulture,
            $"{name} p50_us={Stats.Percentile(Samples, 0.5):0.0} p90_us={Stats.Percentile(Samples, 0.9):0.0} p99_us={Stats.Percentile(Samples, 0.99):0.0} calls={Samples.Count}");
    }

    public void Dispose()
    {
        process.StandardInput.Close();
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
        }
        process.Dispose();
    }
}

static class Stats
{
    public static double Percentile(IEnumerable<double> values, double fraction)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * fraction))];
    }
}
