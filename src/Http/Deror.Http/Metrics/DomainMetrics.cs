using System.Diagnostics.Metrics;
using Deror.Client;
using Deror.Grains;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Http.Metrics;

/// <summary>
/// The domain's gauges on the <c>Deror.Domain</c> meter: nodes by status, tasks by state, and the cluster's health
/// status. Reading them takes grain calls, which an instrument callback must not make, so a snapshot is refreshed in
/// the background (for OTLP export) and before every <c>/metrics</c> scrape; the callbacks read the snapshot.
/// </summary>
internal sealed partial class DomainMetrics : BackgroundService
{
    public const string MeterName = "Deror.Domain";

    private readonly ClusterManager _cluster;
    private readonly TimeSpan _interval;
    private readonly ILogger<DomainMetrics> _logger;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile Snapshot? _snapshot;

    public DomainMetrics(IMeterFactory meters, ClusterManager cluster, IOptions<DerorHttpOptions> options, ILogger<DomainMetrics> logger)
    {
        _cluster = cluster;
        _interval = options.Value.MetricsRefreshInterval;
        _logger = logger;
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("deror.nodes", () => Observe(s => s.Nodes, "status"), "{node}", "Nodes of the cluster by status.");
        meter.CreateObservableGauge("deror.tasks", () => Observe(s => s.Tasks, "state"), "{task}", "Tasks of the cluster by state.");
        meter.CreateObservableGauge("deror.cluster.status", () => Observe(s => s.Cluster, "status"), description: "1 for the cluster's current health status, 0 for the others.");
    }

    /// <summary>Reads the current counts from the grains (coalescing concurrent callers).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var health = await _cluster.HealthCheckAsync().ConfigureAwait(false);
            var states = Enum.GetValues<TaskState>();
            var totals = await Task.WhenAll(states.Select(s => _cluster.ListTasksAsync(s, 0, 1))).ConfigureAwait(false);
            _snapshot = new Snapshot(
                Enum.GetValues<NodeStatus>().ToDictionary(s => s.ToString(), s => health.Nodes.Count(n => n.Status == s)),
                states.Zip(totals).ToDictionary(p => p.First.ToString(), p => p.Second.Total),
                Enum.GetValues<ClusterStatus>().ToDictionary(s => s.ToString(), s => s == health.Status ? 1 : 0));
        }
        finally
        {
            _refreshing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The cluster grain may be moving between silos; the next tick tries again.
                LogRefreshFailed(_logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override void Dispose()
    {
        _refreshing.Dispose();
        base.Dispose();
    }

    private IEnumerable<Measurement<int>> Observe(Func<Snapshot, IReadOnlyDictionary<string, int>> select, string tag)
        => _snapshot is { } snapshot
            ? select(snapshot).Select(p => new Measurement<int>(p.Value, new KeyValuePair<string, object?>(tag, p.Key))).ToArray()
            : [];

    private sealed record Snapshot(IReadOnlyDictionary<string, int> Nodes, IReadOnlyDictionary<string, int> Tasks, IReadOnlyDictionary<string, int> Cluster);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refreshing the domain gauges failed: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
