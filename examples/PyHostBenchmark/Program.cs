// Python → grain call latency through deror-py against the same call from the .NET client.
//   dotnet run -c Release --project examples/PyHostBenchmark [-- CALLS]
// One in-process silo (loopback TCP gateway) hosts IHelloGrain; both callers run in their own process and call
// GetGreetingCount (no state write) over their own gateway connection, sequentially, after a warm-up.
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Deror.Grains;
using Deror.Hosting;
using Deror.TestingHost;

if (args is ["--dotnet-client", var gatewayArg, var clusterArg, var callsArg])
{
    // The baseline runs in its own process, as deror-py does: both pay the same cross-process wake-ups.
    Console.WriteLine(await MeasureDotnetClientAsync(gatewayArg, clusterArg, int.Parse(callsArg, CultureInfo.InvariantCulture)));
    return 0;
}

var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5000;
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
var dotnetLine = await RunAsync(Environment.ProcessPath!, [.. self, "--dotnet-client", gateway, ClusterId, calls.ToString(CultureInfo.InvariantCulture)], "dotnet ");
var pythonLine = await RunAsync(derorPy, [Path.Combine(root, "examples", "pyhost_latency.py"), calls.ToString(CultureInfo.InvariantCulture)], "python ");
if (dotnetLine is null || pythonLine is null)
{
    return 1;
}
Console.WriteLine(dotnetLine);
Console.WriteLine(pythonLine);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio p50 python/dotnet = {P50(pythonLine) / P50(dotnetLine):0.00} (target <= 1.30)"));
return 0;

async Task<string?> RunAsync(string executable, string[] arguments, string prefix)
{
    var process = Process.Start(new ProcessStartInfo(executable, arguments)
    {
        RedirectStandardOutput = true,
        Environment = { ["DEROR_GATEWAY"] = gateway, ["DEROR_CLUSTER_ID"] = ClusterId },
    })!;
    var line = (await process.StandardOutput.ReadToEndAsync()).Trim();
    await process.WaitForExitAsync();
    if (process.ExitCode == 0 && line.StartsWith(prefix, StringComparison.Ordinal))
    {
        return line;
    }
    Console.Error.WriteLine($"{Path.GetFileName(executable)} failed (exit {process.ExitCode}): {line}");
    return null;
}

static double P50(string line)
    => double.Parse(line.Split(' ').Single(p => p.StartsWith("p50_us=", StringComparison.Ordinal))["p50_us=".Length..], CultureInfo.InvariantCulture);

static async Task<string> MeasureDotnetClientAsync(string gateway, string clusterId, int calls)
{
    await using var client = await Deror.Client.DerorClient.ConnectAsync(gateway, clusterId);
    var greeter = client.GetGrain<IHelloGrain>("latency");
    for (var i = 0; i < Math.Max(500, calls / 10); i++)
    {
        await greeter.GetGreetingCount();
    }
    var samples = new double[calls];
    for (var i = 0; i < calls; i++)
    {
        var started = Stopwatch.GetTimestamp();
        await greeter.GetGreetingCount();
        samples[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
    }
    Array.Sort(samples);
    return string.Create(CultureInfo.InvariantCulture,
        $"dotnet p50_us={Percentile(samples, 0.5):0.0} p90_us={Percentile(samples, 0.9):0.0} p99_us={Percentile(samples, 0.99):0.0} calls={calls}");
}

static double Percentile(double[] sorted, double fraction) => sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * fraction))];

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
