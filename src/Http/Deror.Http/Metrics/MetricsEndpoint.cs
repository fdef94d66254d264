using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Deror.Http.Metrics;

/// <summary><c>GET /metrics</c> for Prometheus.</summary>
internal static partial class MetricsEndpoint
{
    public static void Map(IEndpointRouteBuilder app)
        => app.MapGet("/metrics", Scrape)
            .WithName("Metrics")
            .WithTags("Telemetry")
            .WithDescription("Prometheus text format: the runtime's Deror meter, the domain gauges (deror_nodes, deror_tasks, deror_cluster_status) and ASP.NET Core's request metrics.")
            .Produces<string>(StatusCodes.Status200OK, PrometheusText.ContentType);

    private static async Task<IResult> Scrape(DomainMetrics domain, MetricsCollector collector, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        try
        {
            await domain.RefreshAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Serve what the runtime meters know, with the last domain snapshot, rather than fail the scrape.
            LogStale(loggers.CreateLogger(typeof(MetricsEndpoint)), e.Message);
        }
        return TypedResults.Text(PrometheusText.Format(collector.Collect()), PrometheusText.ContentType);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Serving /metrics with the last domain gauges: reading them failed ({Reason})")]
    private static partial void LogStale(ILogger logger, string reason);
}
