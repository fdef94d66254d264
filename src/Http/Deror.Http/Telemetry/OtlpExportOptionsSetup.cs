using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Deror.Http.Telemetry;

/// <summary>Reads the <c>OTEL_*</c> variables into <see cref="OtlpExportOptions"/> and checks them at start.</summary>
internal sealed class OtlpExportOptionsSetup(IConfiguration configuration) : IConfigureOptions<OtlpExportOptions>, IValidateOptions<OtlpExportOptions>
{
    public void Configure(OtlpExportOptions options)
    {
        options.SdkDisabled = string.Equals(configuration["OTEL_SDK_DISABLED"], "true", StringComparison.OrdinalIgnoreCase);
        options.Endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        options.TracesEndpoint = configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"];
        options.MetricsEndpoint = configuration["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"];
        options.Protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] is { Length: > 0 } protocol ? protocol : options.Protocol;
        options.Headers = configuration["OTEL_EXPORTER_OTLP_HEADERS"];
        options.ServiceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } service ? service : options.ServiceName;
        options.TracesExporter = configuration["OTEL_TRACES_EXPORTER"];
        options.MetricsExporter = configuration["OTEL_METRICS_EXPORTER"];
        if (configuration["OTEL_METRIC_EXPORT_INTERVAL"] is { Length: > 0 } interval)
        {
            options.MetricExportIntervalMilliseconds = int.TryParse(interval, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms) ? ms : -1;
        }
    }

    public ValidateOptionsResult Validate(string? name, OtlpExportOptions options)
    {
        var failures = new List<string>();
        CheckUri(failures, "OTEL_EXPORTER_OTLP_ENDPOINT", options.Endpoint);
        CheckUri(failures, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", options.TracesEndpoint);
        CheckUri(failures, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", options.MetricsEndpoint);
        if (options.Protocol is not (OtlpExportOptions.HttpProtobuf or OtlpExportOptions.Grpc))
        {
            failures.Add($"OTEL_EXPORTER_OTLP_PROTOCOL must be '{OtlpExportOptions.HttpProtobuf}' or '{OtlpExportOptions.Grpc}' (was '{options.Protocol}').");
        }
        if (options.MetricExportIntervalMilliseconds <= 0)
        {
            failures.Add("OTEL_METRIC_EXPORT_INTERVAL must be a positive number of milliseconds.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckUri(List<string> failures, string variable, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value) && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            failures.Add($"{variable} must be an absolute http(s) URL (was '{value}').");
        }
    }
}
