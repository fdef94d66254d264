namespace Deror.Benchmarks.Reporting;

/// <summary>
/// One comparison: Deror's figure, the baseline's figure from the same run, their ratio and the target
/// (<see cref="TargetMet"/> is null for a diagnostic row that has no target).
/// </summary>
public sealed record SummaryRow(string Benchmark, string Deror, string Baseline, string Ratio, string Target, bool? TargetMet);
