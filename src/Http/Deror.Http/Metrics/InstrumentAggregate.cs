using System.Diagnostics.Metrics;

namespace Deror.Http.Metrics;

/// <summary>Every series of one instrument, keyed by its tags. Thread-safe: measurements arrive on any thread.</summary>
internal sealed class InstrumentAggregate
{
    /// <summary>OpenTelemetry's default histogram bounds (suits milliseconds), for instruments that advise none.</summary>
    private static readonly double[] DefaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly Dictionary<string, MetricSeries> _series = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<double>? _bounds;

    public InstrumentAggregate(Instrument instrument)
    {
        Instrument = instrument;
        Kind = KindOf(instrument);
        _bounds = Kind == MetricKind.Histogram ? AdvisedBounds(instrument) ?? DefaultBounds : null;
    }

    public Instrument Instrument { get; }

    public MetricKind Kind { get; }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Grain calls record on every call: with one tag (the usual case) the series key is a single concatenation.
        var key = SeriesKey(tags);
        lock (_series)
        {
            if (!_series.TryGetValue(key, out var series))
            {
                _series[key] = series = new MetricSeries(Labels(tags), _bounds);
            }
            switch (Kind)
            {
                case MetricKind.Counter or MetricKind.UpDownSum:
                    series.Add(value);
                    break;
                case MetricKind.Histogram:
                    series.Observe(value);
                    break;
                default:
                    series.Set(value);
                    break;
            }
        }
    }

    /// <summary>Forgets the series of an observable instrument before its callbacks report again, so vanished tag sets vanish.</summary>
    public void ResetObserved()
    {
        if (Instrument.IsObservable)
        {
            lock (_series)
            {
                _series.Clear();
            }
        }
    }

    /// <summary>A consistent copy of the series, for rendering.</summary>
    public IReadOnlyList<SeriesSnapshot> Snapshot()
    {
        lock (_series)
        {
            return _series.Values
                .Select(s => new SeriesSnapshot(s.Labels, s.Value, s.Count, s.BucketBounds, s.BucketBounds is null ? null : s.CumulativeBucketCounts()))
                .ToArray();
        }
    }

    private static string SeriesKey(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }
        if (tags.Length == 1)
        {
            return tags[0].Key + '\u0002' + Text(tags[0].Value);
        }
        return string.Join('\u0001', Labels(tags).Select(l => l.Key + '\u0002' + l.Value));
    }

    /// <summary>Labels sorted by name, so the same tags in another order are the same series.</summary>
    private static List<KeyValuePair<string, string>> Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new List<KeyValuePair<string, string>>(tags.Length);
        foreach (var tag in tags)
        {
            labels.Add(new(tag.Key, Text(tag.Value)));
        }
        labels.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return labels;
    }

    private static string Text(object? value) => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";

    private static MetricKind KindOf(Instrument instrument)
    {
        var type = instrument.GetType();
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        return definition switch
        {
            _ when definition == typeof(Counter<>) => MetricKind.Counter,
            _ when definition == typeof(UpDownCounter<>) => MetricKind.UpDownSum,
            _ when definition == typeof(Histogram<>) => MetricKind.Histogram,
            _ when definition == typeof(ObservableCounter<>) => MetricKind.ObservedCounter,
            _ => MetricKind.Gauge,
        };
    }

    private static IReadOnlyList<double>? AdvisedBounds(Instrument instrument) => instrument switch
    {
        Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
        Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
        Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
        Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
        _ => null,
    };
}
