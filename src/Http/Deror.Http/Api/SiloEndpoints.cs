using Deror.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Deror.Http.Api;

/// <summary>Probes for service managers and load balancers, and the cluster's membership.</summary>
internal static class SiloEndpoints
{
    public static void MapProbes(IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new ProbeStatus("Up")))
            .WithName("Liveness").WithTags("Probes").WithDescription("200 while the process serves HTTP.");
        app.MapGet("/readyz", Ready)
            .WithName("Readiness").WithTags("Probes").WithDescription("200 once the silo is Active in the cluster, 503 before and after.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>The membership through the management grain: the same list the CLI and other clients read.</summary>
    public static void Map(RouteGroupBuilder api)
        => api.MapGet("/silos", async (IGrainFactory grains) =>
                TypedResults.Ok(await grains.GetGrain<IManagementGrain>(IManagementGrain.Key).GetSilos().ConfigureAwait(false)))
            .WithName("GetSilos").WithTags("Silos")
            .WithDescription("Every silo in the membership table (status Joining, Active, ShuttingDown or Dead), with the Exo node it hosts.");

    private static Results<Ok<ProbeStatus>, ProblemHttpResult> Ready(SiloReadiness readiness)
    {
        var (ready, status) = readiness.Check();
        return ready
            ? TypedResults.Ok(new ProbeStatus(status))
            : TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: $"The silo is {status}, not Active in the cluster.");
    }
}

/// <summary>A probe's answer.</summary>
public sealed record ProbeStatus(string Status);
