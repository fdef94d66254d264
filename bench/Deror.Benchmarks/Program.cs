using Deror.Benchmarks;
using Deror.Benchmarks.Local;
using Deror.Benchmarks.Remote;
using Deror.Benchmarks.Reporting;

// Usage: dotnet run -c Release --project bench/Deror.Benchmarks -- [all|local|remote] [--quick]
var suite = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var quick = args.Contains("--quick");
if (suite is not ("all" or "local" or "remote") || args.Any(a => a.StartsWith("--", StringComparison.Ordinal) && a != "--quick"))
{
    Console.Error.WriteLine("Usage: Deror.Benchmarks [all|local|remote] [--quick]");
    return 2;
}

var settings = quick ? RunSettings.Quick : RunSettings.Full;
var table = new SummaryTable();
if (suite is "all" or "local")
{
    LocalSuite.Run(settings, table);
}
if (suite is "all" or "remote")
{
    await new RemoteSuite(settings).RunAsync(table);
}

var title = $"Deror benchmarks ({suite}{(quick ? ", quick" : "")}) — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores";
var markdown = table.ToMarkdown(title);
Console.WriteLine();
Console.WriteLine(markdown);
var artifacts = Path.Combine(Environment.CurrentDirectory, "BenchmarkDotNet.Artifacts");
Directory.CreateDirectory(artifacts);
var path = Path.Combine(artifacts, $"deror-summary-{suite}{(quick ? "-quick" : "")}.md");
await File.WriteAllTextAsync(path, markdown);
Console.WriteLine($"Summary written to {path}");
return 0;
