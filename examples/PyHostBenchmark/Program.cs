// Python → grain call latency through deror-py against the same call from the .NET client.
//   dotnet run -c Release --project examples/PyHostBenchmark [-- CALLS]
// One in-process silo (loopback TCP gateway) hosts IHelloGrain; both callers use GetGreetingCount (no state write)
// over their own gateway connection, sequentially, after a warm-up.
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Deror.Grains;
using Deror.Hosting;
using Deror.TestingHost;

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

// .NET client: its own connection, like the Python host's.
await using var client = await Deror.Client.DerorClient.ConnectAsync(gateway, ClusterId);
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
var dotnetP50 = Percentile(samples, 0.5);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"dotnet p50_us={dotnetP50:0.0} p90_us={Percentile(samples, 0.9):0.0} p99_us={Percentile(samples, 0.99):0.0} calls={calls}"));

var python = Process.Start(new ProcessStartInfo(derorPy, [Path.Combine(root, "examples", "pyhost_latency.py"), calls.ToString(CultureInfo.InvariantCulture)])
{
    RedirectStandardOutput = true,
    Environment = { ["DEROR_GATEWAY"] = gateway, ["DEROR_CLUSTER_ID"] = ClusterId },
})!;
var line = (await python.StandardOutput.ReadToEndAsync()).Trim();
await python.WaitForExitAsync();
if (python.ExitCode != 0 || !line.StartsWith("python ", StringComparison.Ordinal))
{
    Console.Error.WriteLine($"deror-py failed (exit {python.ExitCode}): {line}");
    return 1;
}
Console.WriteLine(line);
var pythonP50 = double.Parse(line.Split(' ').Single(p => p.StartsWith("p50_us=", StringComparison.Ordinal))["p50_us=".Length..], CultureInfo.InvariantCulture);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio p50 python/dotnet = {pythonP50 / dotnetP50:0.00} (target <= 1.30)"));
return 0;

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
