using System.Collections.Concurrent;
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

    /// <summary>Grain state records written to storage, by state name: the store cost of a workload.</summary>
    public static readonly Counter<long> StateWrites = Meter.CreateCounter<long>("deror.state.writes", "{write}", "Grain state records written to storage.");

    /// <summary>How late durable jobs start after their due time: what deferred work sees of the scheduler.</summary>
    public static readonly Histogram<double> JobLateness = Meter.CreateHistogram(
        "deror.jobs.lateness",
        "ms",
        "Time from a durable job's due time to its handler being called.",
        tags: null,
        // Fine around the 250 ms target, so percentiles read from the buckets are meaningful there.
        new InstrumentAdvice<double> { HistogramBucketBoundaries = [0, 5, 10, 25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 2000, 5000, 10000, 30000, 60000] });

    private static readonly ConcurrentDictionary<string, SiloGaugeSource> SiloGauges = new();

    static DerorTelemetry()
    {
        // One instrument per metric reports every silo in the process, tagged by silo, so starting and stopping
        // silos (as tests do) never piles up instruments.
        Meter.CreateObservableGauge("deror.activations", () => Observe(s => s.Activations()), "{activation}", "Live grain activations.");
        Meter.CreateObservableGauge("deror.requests.queued", () => Observe(s => s.QueuedRequests()), "{request}", "Requests waiting for their activation's turn.");
    }

    /// <summary>Reports a silo's activation count and queue length until the returned handle is disposed.</summary>
    public static IDisposable RegisterSiloGauges(string silo, Func<int> activations, Func<int> queuedRequests)
    {
        var source = new SiloGaugeSource(silo, activations, queuedRequests);
        SiloGauges[silo] = source;
        return source;
    }

    private static IEnumerable<Measurement<int>> Observe(Func<SiloGaugeSource, int> read)
        => SiloGauges.Values.Select(s => new Measurement<int>(read(s), new KeyValuePair<string, object?>("deror.silo", s.Silo))).ToArray();

    private sealed record SiloGaugeSource(string Silo, Func<int> Activations, Func<int> QueuedRequests) : IDisposable
    {
        public void Dispose() => SiloGauges.TryRemove(new KeyValuePair<string, SiloGaugeSource>(Silo, this));
    }

    public static KeyValuePair<string, object?> MethodTag(string method) => new("deror.method", method);
}
