using System.Globalization;
using Deror.Benchmarks;
using Deror.Benchmarks.Clustering;
using Deror.Benchmarks.Containers;
using Deror.Benchmarks.Local;
using Deror.Benchmarks.Remote;
using Deror.Benchmarks.Reporting;
using Deror.Benchmarks.Tasks;

// Usage: dotnet run -c Release --project bench/Deror.Benchmarks -- [all|local|remote|cluster|detection|detection-pause|false-deaths|container|tasks] [--quick] [--soak-minutes=N]
const string Usage = "Usage: Deror.Benchmarks [all|local|remote|cluster|detection|detection-pause|false-deaths|container|tasks] [--quick] [--soak-minutes=N]";
string[] suites = ["all", "local", "remote", "cluster", "detection", "detection-pause", "false-deaths", "container", "tasks"];
var suite = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var quick = args.Contains("--quick");
var soakMinutes = args.Where(a => a.StartsWith("--soak-minutes=", StringComparison.Ordinal)).Select(a => a["--soak-minutes=".Length..]).LastOrDefault();
var unknownFlags = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a != "--quick" && !a.StartsWith("--soak-minutes=", StringComparison.Ordinal));
double minutes = 0;
if (!suites.Contains(suite) || unknownFlags.Any() || (soakMinutes is not null && !(double.TryParse(soakMinutes, CultureInfo.InvariantCulture, out minutes) && minutes > 0)))
{
    Console.Error.WriteLine(Usage);
    return 2;
}

var settings = quick ? RunSettings.Quick : RunSettings.Full;
if (soakMinutes is not null)
{
    settings = settings with { SoakDuration = TimeSpan.FromMinutes(minutes) };
}
var artifacts = Path.Combine(Environment.CurrentDirectory, "BenchmarkDotNet.Artifacts");
var table = new SummaryTable();
// `all` stays what it was (local and remote); the clustering and container suites are asked for by name.
if (suite is "all" or "local")
{
    LocalSuite.Run(settings, table);
}
if (suite is "all" or "remote")
{
    await new RemoteSuite(settings).RunAsync(table);
}
if (suite is "cluster")
{
    await new ClusterSuite(settings).RunAsync(table);
}
if (suite is "detection")
{
    await new DetectionSuite(settings, SiloFault.Kill, Path.Combine(artifacts, "silo-logs", "detection")).RunAsync(table);
}
if (suite is "detection-pause")
{
    await new DetectionSuite(settings, SiloFault.Pause, Path.Combine(artifacts, "silo-logs", "detection-pause")).RunAsync(table);
}
if (suite is "false-deaths")
{
    await new FalseDeathSoak(settings, Path.Combine(artifacts, "silo-logs", "false-deaths")).RunAsync(table);
}
if (suite is "container")
{
    await new ContainerSuite(settings).RunAsync(table);
}
if (suite is "tasks")
{
    await new TaskSuite(settings, Path.Combine(artifacts, "silo-logs", "tasks")).RunAsync(table);
}

var title = $"Deror benchmarks ({suite}{(quick ? ", quick" : "")}) — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores";
var markdown = table.ToMarkdown(title);
Console.WriteLine();
Console.WriteLine(markdown);
Directory.CreateDirectory(artifacts);
var path = Path.Combine(artifacts, $"deror-summary-{suite}{(quick ? "-quick" : "")}.md");
await File.WriteAllTextAsync(path, markdown);
Console.WriteLine($"Summary written to {path}");
return 0;
