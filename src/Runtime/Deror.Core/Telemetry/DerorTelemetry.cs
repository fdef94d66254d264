using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Deror.Telemetry;

/// <summary>
/// Deror's telemetry sources. Grain calls are traced with <see cref="ActivitySource"/> (client span at the
/// caller, server span around the grain method, trace context carried in the message) and counted with one
/// <see cref="Meter"/>. Export is up to the host (OpenTelemetry listens to these names).
/// </summary>
public static class DerorTelemetry
{
    public const string ActivitySourceName = "Deror";
    public const string MeterName = "Deror";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName, "1.0.0");
    public static readonly Meter Meter = new(MeterName, "1.0.0");

    /// <summary>Grain calls sent (client side), by interface method.</summary>
    public static readonly Counter<long> CallsSent = Meter.CreateCounter<long>("deror.calls.sent", "{call}", "Grain calls sent.");

    /// <summary>Grain calls invoked on an activation.</summary>
    public static readonly Counter<long> CallsInvoked = Meter.CreateCounter<long>("deror.calls.invoked", "{call}", "Grain calls invoked on activations.");

    /// <summary>Grain calls that ended in an exception, timeout or rejection.</summary>
    public static readonly Counter<long> CallsFailed = Meter.CreateCounter<long>("deror.calls.failed", "{call}", "Grain calls that failed, timed out or were rejected.");

    /// <summary>Round-trip latency seen by the caller.</summary>
    public static readonly Histogram<double> CallDuration = Meter.CreateHistogram<double>("deror.calls.duration", "ms", "Grain call round-trip time at the caller.");

    /// <summary>
    /// Registers the observable gauges of one silo (activation count, queued requests). Instruments are keyed by
    /// name in a <see cref="Meter"/>, so a process with several silos reports one series per silo through tags.
    /// </summary>
    public static void RegisterSiloGauges(string silo, Func<int> activations, Func<int> queuedRequests)
    {
        var tag = new KeyValuePair<string, object?>("deror.silo", silo);
        Meter.CreateObservableGauge("deror.activations", () => new Measurement<int>(activations(), tag), "{activation}", "Live grain activations.");
        Meter.CreateObservableGauge("deror.requests.queued", () => new Measurement<int>(queuedRequests(), tag), "{request}", "Requests waiting for their activation's turn.");
    }

    public static KeyValuePair<string, object?> MethodTag(string method) => new("deror.method", method);
}
