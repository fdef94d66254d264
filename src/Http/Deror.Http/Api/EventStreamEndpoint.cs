using System.Globalization;
using Deror.Client;
using Deror.Grains;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Http.Api;

/// <summary>
/// <c>GET /api/events</c>: the cluster's lifecycle events as a server-sent event stream. Each event's id is its
/// sequence, so a client resumes where it left off with <c>Last-Event-ID</c> (browsers send it on reconnect) or
/// <c>?after=</c>.
/// </summary>
internal static class EventStreamEndpoint
{
    public static void Map(RouteGroupBuilder api)
        => api.MapGet("/events", Follow)
            .WithName("FollowEvents")
            .WithTags("Events")
            .WithDescription("Server-sent events: `id` = sequence, `event` = task | node | maintenance | cluster, `data` = {sequence, type, subject, timestamp, data}. Resume with Last-Event-ID or ?after=.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest);

    private static IResult Follow(HttpRequest request, ClusterManager cluster, IGrainFactory grains, IOptions<DerorHttpOptions> options, string? after = null)
    {
        // The header is newer than the query: a reconnecting browser keeps the original URL but sends where it got to.
        var position = ParsePosition(request.Headers["Last-Event-ID"].ToString(), "Last-Event-ID")
            ?? ParsePosition(after, "after")
            ?? 0;
        return new EventStreamResult(grains.GetGrain<IEventFeedGrain>(cluster.ClusterId), position, options.Value.EventKeepAlive);
    }

    private static long? ParsePosition(string? value, string source)
        => string.IsNullOrEmpty(value)
            ? null
            : long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
                ? sequence
                : throw new InvalidSpecException($"{source} must be an event sequence number (0 or more), not '{value}'.");
}

/// <summary>Writes the stream until the client goes away or the silo stops.</summary>
internal sealed partial class EventStreamResult(IEventFeedGrain feed, long position, TimeSpan keepAlive) : IResult
{
    private const int BatchSize = 500;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var services = httpContext.RequestServices;
        var logger = services.GetRequiredService<ILogger<EventStreamResult>>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(
            httpContext.RequestAborted, services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);

        var response = httpContext.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        // Tells nginx-style proxies not to buffer the stream.
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();

        var writer = new EventStreamWriter(response.BodyWriter);
        try
        {
            writer.WriteRetry(TimeSpan.FromSeconds(2));
            await writer.FlushAsync(stop.Token).ConfigureAwait(false);
            while (true)
            {
                // A long poll: returns as soon as there are events, or empty after keepAlive.
                var batch = await feed.Read(position, BatchSize, keepAlive).WaitAsync(stop.Token).ConfigureAwait(false);
                position = batch.LastSequence;
                if (batch.Events.Count == 0)
                {
                    writer.WriteComment("keep-alive");
                }
                foreach (var record in batch.Events)
                {
                    writer.WriteEvent(record);
                }
                await writer.FlushAsync(stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client left or the silo is stopping: the normal end of a stream.
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            // The feed could not be read (e.g. the silo is shutting down); the client reconnects with Last-Event-ID.
            LogFeedFailed(logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event stream ended: the event feed could not be read ({Reason})")]
    private static partial void LogFeedFailed(ILogger logger, string reason);
}
