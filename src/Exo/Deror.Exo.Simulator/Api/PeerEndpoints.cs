using Deror.Exo.Json;
using Deror.Exo.Models;
using Deror.Exo.Simulator.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Deror.Exo.Simulator.Api;

/// <summary>The simulator's node-to-node protocol under <c>/_sim/peer</c> (a prefix real exo does not have).</summary>
internal static class PeerEndpoints
{
    public static void MapPeerProtocol(this IEndpointRouteBuilder app)
    {
        app.MapGet("/_sim/peer/report", (ClusterNode node, bool? state) => Results.Json(node.Report(state ?? false), ExoJson.Options));

        app.MapPost("/_sim/peer/tasks", async (HttpContext context, ClusterNode node) =>
        {
            var task = await context.Request.ReadFromJsonAsync<ExoTask>(ExoJson.Options, context.RequestAborted);
            if (task is null || string.IsNullOrWhiteSpace(task.TaskId))
            {
                return ExoResults.BadRequest("A tagged task with a taskId is required.");
            }
            return node.TryAsMaster((store, _) => { store.PutTask(task); return true; }, out _)
                ? Results.NoContent()
                : ExoResults.Create(StatusCodes.Status503ServiceUnavailable, "This node is not the master.");
        });
    }
}
