using System.Text.Json;
using System.Text.Json.Nodes;
using Deror.Exo.Api;
using Deror.Exo.Json;
using Deror.Exo.Models;
using Deror.Exo.Simulator.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Exo.Simulator.Api;

/// <summary>Exo's HTTP API: node id, state, models and instances (chat completions are in <see cref="ChatEndpoints"/>).</summary>
internal static class ExoApiEndpoints
{
    private const string CommandReceived = "Command received.";

    public static void MapExoApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/node_id", (ClusterNode node) => Results.Json(node.NodeId, ExoJson.Options));

        app.MapGet("/state", (ClusterNode node) => Results.Json(node.CurrentState(), ExoJson.Options));

        app.MapGet("/state/{**path}", (string path, ClusterNode node) =>
        {
            JsonNode? current = JsonSerializer.SerializeToNode(node.CurrentState(), ExoJson.Options);
            foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                current = current switch
                {
                    JsonObject obj => obj.TryGetPropertyValue(segment, out var child) ? child : null,
                    JsonArray array when int.TryParse(segment, out var index) && index >= 0 && index < array.Count => array[index],
                    _ => null,
                };
                if (current is null)
                {
                    return ExoResults.NotFound($"No state at path '{path}'.");
                }
            }
            return Results.Text(current?.ToJsonString() ?? "null", "application/json");
        });

        app.MapGet("/models", ListModels);
        app.MapGet("/v1/models", ListModels);

        app.MapPost("/place_instance", async (HttpContext context, MasterCommands commands) =>
        {
            var body = await ReadBodyAsync(context);
            if (!TryParse<PlaceInstanceRequest>(body, out var request, out var error))
            {
                return error;
            }
            return await commands.ExecuteAsync(context, body, (master, state) =>
            {
                var placement = Placement.Compute(state, request, EphemeralPortBase(context));
                if (placement.Instance is null)
                {
                    return ExoResults.Create(placement.Status, placement.Error!);
                }
                master.AddInstance(placement.Instance);
                return Results.Json(
                    new CommandResponse { Message = CommandReceived, CommandId = Guid.NewGuid().ToString(), ModelCard = ModelCatalog.Find(request.ModelId) },
                    ExoJson.Options);
            });
        });

        app.MapGet("/instance/placement", (HttpContext context, ClusterNode node, string? model_id, string? sharding, string? instance_meta, int? min_nodes) =>
        {
            if (string.IsNullOrWhiteSpace(model_id))
            {
                return ExoResults.BadRequest("model_id is required.");
            }
            var request = new PlaceInstanceRequest
            {
                ModelId = model_id,
                Sharding = sharding ?? "Pipeline",
                InstanceMeta = instance_meta ?? "MlxRing",
                MinNodes = min_nodes ?? 1,
            };
            var placement = Placement.Compute(node.CurrentState(), request, EphemeralPortBase(context));
            return placement.Instance is null
                ? ExoResults.Create(placement.Status, placement.Error!)
                : ExoResults.Tagged(placement.Instance);
        });

        app.MapPost("/instance", async (HttpContext context, MasterCommands commands) =>
        {
            var body = await ReadBodyAsync(context);
            if (!TryParse<CreateInstanceRequest>(body, out var request, out var error))
            {
                return error;
            }
            if (request.Instance is null || string.IsNullOrWhiteSpace(request.Instance.InstanceId) || request.Instance.ShardAssignments.NodeToRunner.Count == 0)
            {
                return ExoResults.BadRequest("instance must be a tagged instance with an instanceId and shardAssignments.");
            }
            return await commands.ExecuteAsync(context, body, (master, state) =>
            {
                if (master.HasInstance(request.Instance.InstanceId))
                {
                    return ExoResults.BadRequest($"Instance {request.Instance.InstanceId} already exists.");
                }
                if (Placement.CheckMemory(state, request.Instance) is { } shortage)
                {
                    return ExoResults.BadRequest(shortage);
                }
                master.AddInstance(request.Instance);
                return Results.Json(new CommandResponse { Message = CommandReceived, CommandId = Guid.NewGuid().ToString() }, ExoJson.Options);
            });
        });

        app.MapGet("/instance/{id}", (string id, ClusterNode node) =>
            node.CurrentState().Instances.TryGetValue(id, out var instance)
                ? ExoResults.Tagged(instance)
                : ExoResults.NotFound($"Instance {id} not found."));

        app.MapDelete("/instance/{id}", (string id, HttpContext context, MasterCommands commands) =>
            commands.ExecuteAsync(context, [], (master, _) => master.DeleteInstance(id)
                ? Results.Json(new CommandResponse { Message = CommandReceived, CommandId = Guid.NewGuid().ToString(), InstanceId = id }, ExoJson.Options)
                : ExoResults.NotFound($"Instance {id} not found.")));

        // FastAPI's answer for a route it does not have.
        app.MapFallback(() => Results.Json(new { detail = "Not Found" }, statusCode: StatusCodes.Status404NotFound));
    }

    internal static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }

    internal static bool TryParse<T>(byte[] body, out T value, out IResult error)
        where T : class
    {
        try
        {
            value = JsonSerializer.Deserialize<T>(body, ExoJson.Options)!;
            if (value is not null)
            {
                error = null!;
                return true;
            }
        }
        catch (JsonException e)
        {
            value = null!;
            error = ExoResults.Create(StatusCodes.Status422UnprocessableEntity, $"Invalid request body: {e.Message}");
            return false;
        }
        value = null!;
        error = ExoResults.Create(StatusCodes.Status422UnprocessableEntity, "The request body is empty.");
        return false;
    }

    private static IResult ListModels(ClusterNode node, string? status)
    {
        var cards = ModelCatalog.Models.AsEnumerable();
        if (status == "downloaded")
        {
            var downloaded = node.CurrentState().Downloads.Values
                .SelectMany(d => d)
                .OfType<DownloadCompleted>()
                .Select(d => d.ShardMetadata?.ModelCard?.ModelId)
                .ToHashSet(StringComparer.Ordinal);
            cards = cards.Where(c => downloaded.Contains(c.ModelId));
        }
        return Results.Json(new ModelList { Data = cards.Select(ModelCatalog.ToListEntry).ToList() }, ExoJson.Options);
    }

    /// <summary>Invented: runners' ports (exo's <c>ephemeralPort</c>) count up from the API port + 1.</summary>
    private static int EphemeralPortBase(HttpContext context) => (context.RequestServices.GetRequiredService<ClusterNode>().ApiAddress?.Port ?? 52415) + 1;
}
