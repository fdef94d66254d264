using Deror.Client;
using Deror.Grains;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Deror.Http.Api;

/// <summary>Cluster health, nodes and maintenance.</summary>
internal static class ClusterEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/cluster/health", GetHealth).WithName("GetClusterHealth").WithTags("Cluster");
        api.MapGet("/nodes", GetNodes).WithName("GetNodes").WithTags("Nodes");
        api.MapGet("/nodes/{id}", GetNode).WithName("GetNode").WithTags("Nodes").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/maintenance", GetMaintenance).WithName("GetMaintenance").WithTags("Maintenance");
        api.MapPost("/maintenance", StartMaintenance).WithName("StartMaintenance").WithTags("Maintenance")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/maintenance/cancel", CancelMaintenance).WithName("CancelMaintenance").WithTags("Maintenance");
    }

    private static async Task<Ok<ClusterHealth>> GetHealth(ClusterManager cluster) => TypedResults.Ok(await cluster.HealthCheckAsync());

    private static async Task<Ok<IReadOnlyList<NodeInfo>>> GetNodes(ClusterManager cluster) => TypedResults.Ok(await cluster.GetNodesAsync());

    private static async Task<Ok<NodeInfo>> GetNode(string id, ClusterManager cluster) => TypedResults.Ok(await cluster.GetNodeAsync(id));

    /// <summary>The current or last maintenance run; 204 when the cluster has never had one.</summary>
    private static async Task<Results<Ok<MaintenanceStatus>, NoContent>> GetMaintenance(ClusterManager cluster)
        => await cluster.GetMaintenanceAsync() is { } status ? TypedResults.Ok(status) : TypedResults.NoContent();

    /// <summary>Starts maintenance of one node, or a rolling maintenance of all of them when the body names none (or is empty).</summary>
    private static async Task<Accepted<MaintenanceStatus>> StartMaintenance([FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] MaintenanceRequest? request, ClusterManager cluster)
    {
        request ??= new MaintenanceRequest();
        var status = await cluster.PerformMaintenanceAsync(request.Node, request.MaxParallel, request.MinHealthy);
        return TypedResults.Accepted("/api/maintenance", status);
    }

    /// <summary>Stops taking further nodes down (nodes already in maintenance finish their round).</summary>
    private static async Task<Results<Ok<MaintenanceStatus>, NoContent>> CancelMaintenance(ClusterManager cluster)
        => await cluster.CancelMaintenanceAsync() is { } status ? TypedResults.Ok(status) : TypedResults.NoContent();
}
