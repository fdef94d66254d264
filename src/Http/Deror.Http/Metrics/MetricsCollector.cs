using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Deror.Telemetry;

namespace Deror.Http.Metrics;

/// <summary>
/// Listens to the Deror meters and aggregates their measurements for <c>/metrics</c>: the runtime's process-wide
/// <c>Deror</c> meter, and this host's own domain and ASP.NET Core meters (other hosts in the process, as in tests,
/// have their own collector).
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    /// <summary>Meters created through this host's <see cref="IMeterFactory"/> that /metrics reports.</summary>
    private static readonly HashSet<string> HostMeters = new(StringComparer.Ordinal)
    {
        DomainMetrics.MeterName,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
    };

    private readonly IMeterFactory _hostMeters;
    private readonly ConcurrentDictionary<Instrument, InstrumentAggregate> _instruments = new();
    private readonly MeterListener _listener = new();

    public MetricsCollector(IMeterFactory hostMeters)
    {
        _hostMeters = hostMeters;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (Reports(instrument.Meter))
            {
                listener.EnableMeasurementEvents(instrument, _instruments.GetOrAdd(instrument, i => new InstrumentAggregate(i)));
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentAggregate? _);
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>((_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Asks the observable instruments for their current values and returns every instrument's series.</summary>
    public IReadOnlyList<(Instrument Instrument, MetricKind Kind, IReadOnlyList<SeriesSnapshot> Series)> Collect()
    {
        // One collection at a time: a reset between another scrape's observe and snapshot would lose its values.
        lock (_listener)
        {
            foreach (var aggregate in _instruments.Values)
            {
                aggregate.ResetObserved();
            }
            _listener.RecordObservableInstruments();
            return _instruments.Values
                .Select(a => (a.Instrument, a.Kind, a.Snapshot()))
                .ToArray();
        }
    }

    public void Dispose() => _listener.Dispose();

    private bool Reports(Meter meter)
        => meter.Name == DerorTelemetry.MeterName || (ReferenceEquals(meter.Scope, _hostMeters) && HostMeters.Contains(meter.Name));
}
