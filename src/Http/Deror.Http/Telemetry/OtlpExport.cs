using Deror.Http.Metrics;
using Deror.Runtime.Messaging;
using Deror.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Deror.Http.Telemetry;

/// <summary>
/// Exports traces (grain calls and HTTP requests: one trace follows a request from the API through the grains it
/// calls) and metrics (the runtime, domain and ASP.NET Core meters) over OTLP while the host runs. Stopping flushes.
/// </summary>
internal sealed partial class OtlpExport(IOptions<OtlpExportOptions> options, ILocalSiloDetails silo, ILogger<OtlpExport> logger) : IHostedService, IDisposable
{
    private static readonly string[] Sources = [DerorTelemetry.ActivitySourceName, "Microsoft.AspNetCore"];
    private static readonly string[] Meters = [DerorTelemetry.MeterName, DomainMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"];

    private TracerProvider? _tracing;
    private MeterProvider? _metrics;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var protocol = o.Protocol == OtlpExportOptions.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        if (o.TracesUri is { } traces)
        {
            _tracing = Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(Resource(o))
                .AddSource(Sources)
                .AddOtlpExporter(e => Configure(e, traces, protocol, o.Headers))
                .Build();
            LogExporting(logger, "traces", traces);
        }
        if (o.MetricsUri is { } metrics)
        {
            _metrics = Sdk.CreateMeterProviderBuilder()
                .SetResourceBuilder(Resource(o))
                .AddMeter(Meters)
                .AddOtlpExporter((e, reader) =>
                {
                    Configure(e, metrics, protocol, o.Headers);
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = o.MetricExportIntervalMilliseconds;
                })
                .Build();
            LogExporting(logger, "metrics", metrics);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Disposing flushes what is buffered.
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _tracing?.Dispose();
        _tracing = null;
        _metrics?.Dispose();
        _metrics = null;
    }

    private ResourceBuilder Resource(OtlpExportOptions o)
        => ResourceBuilder.CreateDefault()
            .AddService(o.ServiceName, serviceInstanceId: silo.SiloAddress.ToString())
            .AddAttributes([new("deror.cluster_id", silo.ClusterId), new("deror.silo_name", silo.SiloName)]);

    private static void Configure(OtlpExporterOptions exporter, Uri endpoint, OtlpExportProtocol protocol, string? headers)
    {
        exporter.Endpoint = endpoint;
        exporter.Protocol = protocol;
        if (!string.IsNullOrEmpty(headers))
        {
            exporter.Headers = headers;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Exporting {Signal} over OTLP to {Endpoint}")]
    private static partial void LogExporting(ILogger logger, string signal, Uri endpoint);
}
