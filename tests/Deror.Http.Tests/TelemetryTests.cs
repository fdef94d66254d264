using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Deror.Http.Tests;

/// <summary>Traces and metrics leave the silo over OTLP, and one trace follows a request from HTTP into the grains.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task Traces_and_metrics_are_exported_over_otlp_http_protobuf_when_the_otel_variables_say_so()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var silo = await ApiSilo.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "deror-otlp-test",
        });
        try
        {
            await silo.AddHealthyNodeAsync("node-1");
            (await silo.Http.GetAsync("/api/cluster/health")).EnsureSuccessStatusCode();
            (await silo.Http.GetAsync("/metrics")).EnsureSuccessStatusCode();
        }
        finally
        {
            // Stopping flushes both exporters.
            await silo.DisposeAsync();
        }

        var traces = receiver.Requests("/v1/traces");
        Assert.NotEmpty(traces);
        Assert.All(traces, r => Assert.Equal("application/x-protobuf", r.ContentType));
        var traceBytes = traces.SelectMany(r => r.Body).ToArray();
        // Protobuf carries strings as raw UTF-8: the resource, the instrumentation scopes and the span names are visible.
        Assert.True(Contains(traceBytes, "deror-otlp-test"), "The service name is not in the exported traces.");
        Assert.True(Contains(traceBytes, "Microsoft.AspNetCore"), "No HTTP server span was exported.");
        Assert.True(Contains(traceBytes, "GetHealth"), "No grain span was exported.");

        var metrics = receiver.Requests("/v1/metrics");
        Assert.NotEmpty(metrics);
        var metricBytes = metrics.SelectMany(r => r.Body).ToArray();
        Assert.True(Contains(metricBytes, "deror.calls.invoked"), "The runtime meter was not exported.");
        Assert.True(Contains(metricBytes, "deror.nodes"), "The domain gauges were not exported.");
    }

    [Fact]
    public async Task A_request_trace_continues_into_the_grain_calls_it_makes()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Deror" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var silo = await ApiSilo.StartAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/cluster/health");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        (await silo.Http.SendAsync(request)).EnsureSuccessStatusCode();

        var all = await Eventually.Until(() => Task.FromResult(spans.ToArray()), s => s.Any(a => a.Source.Name == "Deror") && s.Any(a => a.Source.Name == "Microsoft.AspNetCore"),
            "the request's span and a grain span in its trace stopped");
        var http = Assert.Single(all, a => a.Source.Name == "Microsoft.AspNetCore");
        var grain = all.First(a => a.Source.Name == "Deror" && a.DisplayName.Contains("GetHealth", StringComparison.Ordinal));
        Assert.Equal(traceId, grain.TraceId);
        Assert.True(IsDescendant(grain, http, all), "The grain span does not descend from the HTTP request's span.");
    }

    private static bool IsDescendant(Activity span, Activity ancestor, Activity[] all)
    {
        for (var parent = span.ParentSpanId; parent != default;)
        {
            if (parent == ancestor.SpanId)
            {
                return true;
            }
            parent = all.FirstOrDefault(a => a.SpanId == parent)?.ParentSpanId ?? default;
        }
        return false;
    }

    private static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;
}

/// <summary>A tiny OTLP/HTTP collector: records every POST to /v1/traces and /v1/metrics.</summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> _requests = new();

    private OtlpReceiver(WebApplication app)
    {
        _app = app;
    }

    public string Endpoint => _app.Urls.Single();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (HttpContext context, string signal) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            receiver._requests.Enqueue(("/v1/" + signal, context.Request.ContentType, body.ToArray()));
            // An empty export response is a valid protobuf message (all fields default).
            context.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        return receiver;
    }

    public IReadOnlyList<(string Path, string? ContentType, byte[] Body)> Requests(string path) => _requests.Where(r => r.Path == path).ToArray();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
