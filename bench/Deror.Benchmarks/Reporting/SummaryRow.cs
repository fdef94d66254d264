namespace Deror.Benchmarks.Reporting;

/// <summary>One comparison: Deror's figure, the baseline's figure from the same run, their ratio and the target.</summary>
public sealed record SummaryRow(string Benchmark, string Deror, string Baseline, string Ratio, string Target, bool TargetMet);
