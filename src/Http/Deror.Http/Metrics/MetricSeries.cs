using System.Diagnostics.Metrics;

namespace Deror.Http.Metrics;

/// <summary>How an instrument's measurements combine and how Prometheus shows them.</summary>
internal enum MetricKind
{
    /// <summary>A monotonic sum (<see cref="Counter{T}"/>): each measurement is added.</summary>
    Counter,
    /// <summary>A sum that goes both ways (<see cref="UpDownCounter{T}"/>): each measurement is added; shown as a gauge.</summary>
    UpDownSum,
    /// <summary>The last value (gauges, and observable instruments, whose callbacks report totals).</summary>
    Gauge,
    /// <summary>An observable counter: its callback reports the running total; shown as a counter.</summary>
    ObservedCounter,
    Histogram,
}

/// <summary>The aggregate of one instrument for one set of tags.</summary>
internal sealed class MetricSeries(IReadOnlyList<KeyValuePair<string, string>> labels, IReadOnlyList<double>? bucketBounds)
{
    private readonly long[]? _bucketCounts = bucketBounds is null ? null : new long[bucketBounds.Count + 1];

    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; } = labels;

    public IReadOnlyList<double>? BucketBounds { get; } = bucketBounds;

    /// <summary>The sum (counters), the last value (gauges) or the sum of observations (histograms).</summary>
    public double Value { get; private set; }

    public long Count { get; private set; }

    public void Add(double value) => Value += value;

    public void Set(double value) => Value = value;

    public void Observe(double value)
    {
        Value += value;
        Count++;
        var bucket = 0;
        while (bucket < BucketBounds!.Count && value > BucketBounds[bucket])
        {
            bucket++;
        }
        _bucketCounts![bucket]++;
    }

    /// <summary>Cumulative counts per upper bound, the last one for +Inf.</summary>
    public long[] CumulativeBucketCounts()
    {
        var counts = new long[_bucketCounts!.Length];
        long running = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            running += _bucketCounts[i];
            counts[i] = running;
        }
        return counts;
    }
}

/// <summary>One series at the moment of a scrape; for histograms, cumulative counts per bound with +Inf last.</summary>
internal sealed record SeriesSnapshot(
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    double Value,
    long Count,
    IReadOnlyList<double>? BucketBounds,
    IReadOnlyList<long>? CumulativeBucketCounts);
