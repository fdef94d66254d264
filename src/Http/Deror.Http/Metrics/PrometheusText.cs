using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Deror.Http.Metrics;

/// <summary>
/// The Prometheus text exposition format (version 0.0.4): <c># HELP</c> and <c># TYPE</c> once per metric, then one
/// line per series; histograms as cumulative <c>_bucket{le=...}</c> lines with <c>_sum</c> and <c>_count</c>. Names follow
/// the OpenTelemetry-to-Prometheus convention: dots become underscores, the unit is a suffix, counters end in <c>_total</c>.
/// </summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Format(IEnumerable<(Instrument Instrument, MetricKind Kind, IReadOnlyList<SeriesSnapshot> Series)> instruments)
    {
        var text = new StringBuilder();
        // Instruments of the same name (one per host meter) share one HELP/TYPE block.
        foreach (var metric in instruments.GroupBy(i => MetricName(i.Instrument, i.Kind)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var (instrument, kind, _) = metric.First();
            var series = metric.SelectMany(m => m.Series).ToArray();
            if (series.Length == 0)
            {
                continue;
            }
            if (!string.IsNullOrEmpty(instrument.Description))
            {
                text.Append("# HELP ").Append(metric.Key).Append(' ').Append(EscapeHelp(instrument.Description)).Append('\n');
            }
            text.Append("# TYPE ").Append(metric.Key).Append(' ').Append(TypeOf(kind)).Append('\n');
            foreach (var s in series)
            {
                if (kind == MetricKind.Histogram)
                {
                    AppendHistogram(text, metric.Key, s);
                }
                else
                {
                    AppendSample(text, metric.Key, s.Labels, null, s.Value);
                }
            }
        }
        return text.ToString();
    }

    internal static string MetricName(Instrument instrument, MetricKind kind)
    {
        var name = Sanitize(instrument.Name);
        if (UnitSuffix(instrument.Unit) is { } unit && !name.EndsWith("_" + unit, StringComparison.Ordinal))
        {
            name += "_" + unit;
        }
        if (kind is MetricKind.Counter or MetricKind.ObservedCounter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }
        return name;
    }

    private static void AppendHistogram(StringBuilder text, string name, SeriesSnapshot series)
    {
        var bounds = series.BucketBounds!;
        var counts = series.CumulativeBucketCounts!;
        for (var i = 0; i < bounds.Count; i++)
        {
            AppendSample(text, name + "_bucket", series.Labels, FormatNumber(bounds[i]), counts[i]);
        }
        AppendSample(text, name + "_bucket", series.Labels, "+Inf", counts[^1]);
        AppendSample(text, name + "_sum", series.Labels, null, series.Value);
        AppendSample(text, name + "_count", series.Labels, null, series.Count);
    }

    private static void AppendSample(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (key, labelValue) in labels)
            {
                AppendLabel(text, ref first, Sanitize(key), labelValue);
            }
            if (le is not null)
            {
                AppendLabel(text, ref first, "le", le);
            }
            text.Append('}');
        }
        text.Append(' ').Append(FormatNumber(value)).Append('\n');
    }

    private static void AppendLabel(StringBuilder text, ref bool first, string name, string value)
    {
        if (!first)
        {
            text.Append(',');
        }
        first = false;
        text.Append(name).Append("=\"").Append(EscapeLabelValue(value)).Append('"');
    }

    private static string TypeOf(MetricKind kind) => kind switch
    {
        MetricKind.Counter or MetricKind.ObservedCounter => "counter",
        MetricKind.Histogram => "histogram",
        _ => "gauge",
    };

    private static string? UnitSuffix(string? unit) => unit switch
    {
        null or "" or "1" => null,
        ['{', ..] => null,
        "ms" => "milliseconds",
        "s" => "seconds",
        "By" => "bytes",
        _ => Sanitize(unit),
    };

    internal static string FormatNumber(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Metric and label names: letters, digits and underscores, not starting with a digit.</summary>
    internal static string Sanitize(string name)
    {
        var result = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            result.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }
        if (result.Length == 0 || char.IsAsciiDigit(result[0]))
        {
            result.Insert(0, '_');
        }
        return result.ToString();
    }

    private static string EscapeLabelValue(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
