using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Deror.Grains;
using Deror.Http.Metrics;

namespace Deror.Http.Tests;

/// <summary>GET /metrics: Prometheus text exposition of the runtime meter, the domain gauges and request metrics.</summary>
public sealed partial class MetricsTests : IAsyncLifetime
{
    private ApiSilo _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = await ApiSilo.StartAsync();
        await _silo.AddHealthyNodeAsync("node-1");
        await _silo.AddHealthyNodeAsync("node-2");
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Domain_gauges_count_nodes_by_status_tasks_by_state_and_mark_the_cluster_status()
    {
        var task = await _silo.Manager.SubmitAsync(TaskSpecs.Process("counted", "true"));
        await task.WaitAsync(TimeSpan.FromSeconds(15));

        var samples = Parse(await ScrapeAsync());

        Assert.Equal(2, samples["deror_nodes{status=\"Healthy\"}"]);
        Assert.Equal(0, samples["deror_nodes{status=\"Dead\"}"]);
        Assert.Equal(1, samples["deror_tasks{state=\"Completed\"}"]);
        Assert.Equal(0, samples["deror_tasks{state=\"Failed\"}"]);
        Assert.Equal(1, samples["deror_cluster_status{status=\"Healthy\"}"]);
        Assert.Equal(0, samples["deror_cluster_status{status=\"Unhealthy\"}"]);
    }

    [Fact]
    public async Task The_runtime_meter_and_request_metrics_are_exposed_with_help_and_type()
    {
        await _silo.Http.GetAsync("/api/nodes");
        var text = await ScrapeAsync();
        var samples = Parse(text);

        Assert.Contains("# TYPE deror_calls_invoked_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP deror_calls_invoked_total Grain calls invoked on activations.\n", text, StringComparison.Ordinal);
        Assert.Contains(samples, s => s.Key.StartsWith("deror_calls_invoked_total{deror_method=", StringComparison.Ordinal) && s.Value > 0);
        Assert.Contains("# TYPE deror_activations gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains(samples, s => s.Key.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal) && s.Key.Contains("http_route=\"/api/nodes\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Histogram_buckets_are_cumulative_and_end_in_an_inf_bucket_equal_to_the_count()
    {
        await _silo.Http.GetAsync("/api/cluster/health");
        var samples = Parse(await ScrapeAsync());

        var series = samples.Keys
            .Where(k => k.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal))
            .Select(k => k["http_server_request_duration_seconds_count".Length..])
            .First();
        var labels = series.TrimStart('{').TrimEnd('}');
        var buckets = samples
            .Where(s => s.Key.StartsWith("http_server_request_duration_seconds_bucket{" + labels + ",le=", StringComparison.Ordinal))
            .Select(s => s.Value)
            .ToArray();
        Assert.True(buckets.Length > 2);
        Assert.Equal(buckets.Order(), buckets);
        Assert.Equal(samples["http_server_request_duration_seconds_count" + series], buckets[^1]);
        Assert.True(samples.ContainsKey("http_server_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"}"));
        Assert.True(samples.ContainsKey("http_server_request_duration_seconds_sum" + series));
    }

    [Fact]
    public async Task Every_line_is_a_comment_or_a_well_formed_sample()
    {
        var response = await _silo.Http.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.All(lines, line => Assert.True(line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal) || Sample().IsMatch(line), $"Malformed line: {line}"));
        var types = lines.Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToArray();
        Assert.Equal(types.Distinct().Count(), types.Length);
    }

    [Fact]
    public void Names_get_unit_suffixes_and_counters_total_and_label_values_are_escaped()
    {
        using var meter = new Meter("Deror.Tests.Format");
        var counter = meter.CreateCounter<long>("deror.things.done", "{thing}", "Things.\nDone.");
        var histogram = meter.CreateHistogram<double>("deror.wait", "ms");
        var bytes = meter.CreateUpDownCounter<long>("deror.buffer", "By");

        Assert.Equal("deror_things_done_total", PrometheusText.MetricName(counter, MetricKind.Counter));
        Assert.Equal("deror_wait_milliseconds", PrometheusText.MetricName(histogram, MetricKind.Histogram));
        Assert.Equal("deror_buffer_bytes", PrometheusText.MetricName(bytes, MetricKind.UpDownSum));
        Assert.Equal("_9lives", PrometheusText.Sanitize("9lives"));

        var text = PrometheusText.Format([(counter, MetricKind.Counter, [new SeriesSnapshot([new("path", "C:\\a \"b\"\nc")], 3, 0, null, null)])]);
        Assert.Equal(
            "# HELP deror_things_done_total Things.\\nDone.\n# TYPE deror_things_done_total counter\nderor_things_done_total{path=\"C:\\\\a \\\"b\\\"\\nc\"} 3\n",
            text);
        Assert.Equal("+Inf", PrometheusText.FormatNumber(double.PositiveInfinity));
        Assert.Equal("0.25", PrometheusText.FormatNumber(0.25));
    }

    private async Task<string> ScrapeAsync()
    {
        var response = await _silo.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Samples by their full series name (metric and labels, as written).</summary>
    private static Dictionary<string, double> Parse(string text)
        => text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith('#'))
            .Select(l => (Series: l[..l.LastIndexOf(' ')], Value: l[(l.LastIndexOf(' ') + 1)..]))
            .ToDictionary(s => s.Series, s => s.Value == "+Inf" ? double.PositiveInfinity : double.Parse(s.Value, CultureInfo.InvariantCulture));

    [GeneratedRegex("""^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+E-]+|\+Inf|-Inf|NaN)$""")]
    private static partial Regex Sample();
}
