using System.Text;

namespace Deror.Benchmarks.Reporting;

/// <summary>The compact table printed at the end of a run and saved as markdown next to BenchmarkDotNet's reports.</summary>
public sealed class SummaryTable
{
    private readonly List<SummaryRow> _rows = [];

    public void Add(SummaryRow row)
    {
        _rows.Add(row);
        Console.WriteLine($"[result] {row.Benchmark}: Deror {row.Deror}, baseline {row.Baseline}, ratio {row.Ratio} (target {row.Target}: {Verdict(row)})");
    }

    public string ToMarkdown(string title)
    {
        var text = new StringBuilder();
        text.AppendLine($"## {title}").AppendLine();
        text.AppendLine("| Benchmark | Deror | Baseline | Ratio | Target | Met |");
        text.AppendLine("|---|---:|---:|---:|---|---|");
        foreach (var row in _rows)
        {
            text.AppendLine($"| {row.Benchmark} | {row.Deror} | {row.Baseline} | {row.Ratio} | {row.Target} | {Verdict(row)} |");
        }
        return text.ToString();
    }

    private static string Verdict(SummaryRow row) => row.TargetMet switch { true => "yes", false => "NO", null => "—" };
}
