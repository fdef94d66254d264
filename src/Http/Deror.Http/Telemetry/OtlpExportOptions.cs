namespace Deror.Http.Telemetry;

/// <summary>
/// OTLP export, configured by the standard OpenTelemetry variables (read from configuration, which includes the
/// environment): <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or the per-signal <c>..._TRACES_ENDPOINT</c> /
/// <c>..._METRICS_ENDPOINT</c>), <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (<c>http/protobuf</c>, the default, or <c>grpc</c>),
/// <c>OTEL_EXPORTER_OTLP_HEADERS</c>, <c>OTEL_SERVICE_NAME</c>, <c>OTEL_METRIC_EXPORT_INTERVAL</c> (ms),
/// <c>OTEL_TRACES_EXPORTER</c>/<c>OTEL_METRICS_EXPORTER</c> (<c>none</c> turns a signal off) and <c>OTEL_SDK_DISABLED</c>.
/// Nothing is exported unless an endpoint is set.
/// </summary>
internal sealed class OtlpExportOptions
{
    public const string HttpProtobuf = "http/protobuf";
    public const string Grpc = "grpc";

    public bool SdkDisabled { get; set; }

    public string? Endpoint { get; set; }

    public string? TracesEndpoint { get; set; }

    public string? MetricsEndpoint { get; set; }

    public string Protocol { get; set; } = HttpProtobuf;

    /// <summary><c>key=value</c> pairs separated by commas, sent with every export (e.g. an API key).</summary>
    public string? Headers { get; set; }

    public string ServiceName { get; set; } = "deror-silo";

    public string? TracesExporter { get; set; }

    public string? MetricsExporter { get; set; }

    public int MetricExportIntervalMilliseconds { get; set; } = 60_000;

    /// <summary>Where spans go; null when traces are not exported.</summary>
    public Uri? TracesUri => SdkDisabled || IsNone(TracesExporter) ? null : SignalUri(TracesEndpoint, "v1/traces");

    /// <summary>Where metrics go; null when metrics are not exported.</summary>
    public Uri? MetricsUri => SdkDisabled || IsNone(MetricsExporter) ? null : SignalUri(MetricsEndpoint, "v1/metrics");

    /// <summary>
    /// A per-signal endpoint is used as is; the shared one gets the signal's path for http/protobuf (as the OTLP spec
    /// says), while gRPC addresses the service on the endpoint itself.
    /// </summary>
    private Uri? SignalUri(string? signalEndpoint, string path)
    {
        if (!string.IsNullOrWhiteSpace(signalEndpoint))
        {
            return new Uri(signalEndpoint);
        }
        if (string.IsNullOrWhiteSpace(Endpoint))
        {
            return null;
        }
        return Protocol == Grpc ? new Uri(Endpoint) : new Uri(Endpoint.TrimEnd('/') + "/" + path);
    }

    private static bool IsNone(string? exporter) => string.Equals(exporter, "none", StringComparison.OrdinalIgnoreCase);
}
