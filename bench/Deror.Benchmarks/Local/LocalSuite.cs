using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Deror.Benchmarks.Reporting;

namespace Deror.Benchmarks.Local;

/// <summary>Runs <see cref="GrainCallBenchmark"/> with BenchmarkDotNet and adds its comparison to the summary.</summary>
public static class LocalSuite
{
    private const double TargetNanoseconds = 2_000;

    public static void Run(RunSettings settings, SummaryTable table)
    {
        // In-process: no second build of the solution (slow on this box), and the cluster lives in the measured process.
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(settings.LocalWarmupCount)
            .WithIterationCount(settings.LocalIterationCount);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddLogger(ConsoleLogger.Default)
            .AddExporter(MarkdownExporter.GitHub);
        var summary = BenchmarkRunner.Run<GrainCallBenchmark>(config);

        var grain = MedianNanoseconds(summary, nameof(GrainCallBenchmark.GrainToGrainCall));
        var direct = MedianNanoseconds(summary, nameof(GrainCallBenchmark.DirectInterfaceCall));
        if (grain is null || direct is null)
        {
            throw new InvalidOperationException("The grain call benchmark produced no result; see BenchmarkDotNet's log above.");
        }
        table.Add(new SummaryRow(
            "Grain-to-grain call in one silo vs direct interface call (ns/call, median)",
            $"{grain:N0} ns",
            $"{direct:N1} ns",
            $"{grain / direct:N0}x",
            "grain call < 2 µs",
            grain < TargetNanoseconds));
    }

    private static double? MedianNanoseconds(BenchmarkDotNet.Reports.Summary summary, string method)
        => summary.Reports
            .FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method)?
            .ResultStatistics?.Median;
}
