using Deror.Http.Telemetry;
using Microsoft.Extensions.Configuration;

namespace Deror.Http.Tests;

/// <summary>Settings are checked at start, each failure naming its setting.</summary>
public sealed class OptionsTests
{
    [Fact]
    public void Defaults_listen_on_loopback_port_8080_without_a_token()
    {
        var options = new DerorHttpOptions();

        Assert.Equal("127.0.0.1", options.Address);
        Assert.Equal(8080, options.Port);
        Assert.True(new DerorHttpOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("10.1.2.3")]
    public void Listening_beyond_loopback_requires_a_token(string address)
    {
        var result = new DerorHttpOptionsValidator().Validate(null, new DerorHttpOptions { Address = address });

        Assert.True(result.Failed);
        Assert.Contains("Deror:Http:Token is required", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new DerorHttpOptionsValidator().Validate(null, new DerorHttpOptions { Address = address, Token = new string('t', 32) }).Succeeded);
    }

    [Fact]
    public void Ipv6_loopback_needs_no_token()
        => Assert.True(new DerorHttpOptionsValidator().Validate(null, new DerorHttpOptions { Address = "::1" }).Succeeded);

    [Theory]
    [InlineData("Address", "localhost-ish", "Deror:Http:Address must be an IP address")]
    [InlineData("Port", "70000", "Deror:Http:Port must be between 0 and 65535")]
    [InlineData("Token", "short", "Deror:Http:Token must be at least 16 characters")]
    [InlineData("EventKeepAlive", "00:05:00", "Deror:Http:EventKeepAlive must be positive and at most 20 seconds")]
    [InlineData("MetricsRefreshInterval", "00:00:00.010", "Deror:Http:MetricsRefreshInterval must be at least 100 ms")]
    public void Each_bad_setting_is_named(string setting, string value, string message)
    {
        var options = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"Deror:Http:{setting}"] = value })
            .Build().GetSection(DerorHttpOptions.Section).Get<DerorHttpOptions>()!;

        var result = new DerorHttpOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://collector:4318", "http/protobuf", "http://collector:4318/v1/traces", "http://collector:4318/v1/metrics")]
    [InlineData("http://collector:4318/", null, "http://collector:4318/v1/traces", "http://collector:4318/v1/metrics")]
    [InlineData("http://collector:4317", "grpc", "http://collector:4317/", "http://collector:4317/")]
    public void The_shared_otlp_endpoint_gets_the_signal_path_for_http(string endpoint, string? protocol, string traces, string metrics)
    {
        var options = Otlp(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint, ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol });

        Assert.Equal(new Uri(traces), options.TracesUri);
        Assert.Equal(new Uri(metrics), options.MetricsUri);
    }

    [Fact]
    public void Otlp_is_off_without_an_endpoint_per_signal_with_none_and_with_the_sdk_disabled()
    {
        Assert.Null(Otlp([]).TracesUri);
        Assert.Null(Otlp([]).MetricsUri);

        var tracesOnly = Otlp(new() { ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "http://c/t", ["OTEL_METRICS_EXPORTER"] = "none" });
        Assert.Equal(new Uri("http://c/t"), tracesOnly.TracesUri);
        Assert.Null(tracesOnly.MetricsUri);

        Assert.Null(Otlp(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://c", ["OTEL_SDK_DISABLED"] = "true" }).TracesUri);
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318", "OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http(s) URL")]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", "OTEL_EXPORTER_OTLP_PROTOCOL must be 'http/protobuf' or 'grpc'")]
    [InlineData("OTEL_METRIC_EXPORT_INTERVAL", "soon", "OTEL_METRIC_EXPORT_INTERVAL must be a positive number")]
    public void Bad_otel_variables_are_named(string variable, string value, string message)
    {
        var setup = new OtlpExportOptionsSetup(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [variable] = value }).Build());
        var options = new OtlpExportOptions();
        setup.Configure(options);

        var result = setup.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    private static OtlpExportOptions Otlp(Dictionary<string, string?> variables)
    {
        var options = new OtlpExportOptions();
        new OtlpExportOptionsSetup(new ConfigurationBuilder().AddInMemoryCollection(variables).Build()).Configure(options);
        return options;
    }
}
