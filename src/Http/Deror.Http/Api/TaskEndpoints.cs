using Deror.Client;
using Deror.Grains;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Routing;

namespace Deror.Http.Api;

/// <summary>Submitting, listing, reading and cancelling tasks.</summary>
internal static class TaskEndpoints
{
    private const int DefaultLimit = 50;

    public static void Map(RouteGroupBuilder api)
    {
        var tasks = api.MapGroup("/tasks").WithTags("Tasks");
        tasks.MapPost("/", Submit).WithName("SubmitTask").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapGet("/", List).WithName("ListTasks").ProducesProblem(StatusCodes.Status400BadRequest);
        tasks.MapGet("/{id}", Get).WithName("GetTask").ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapPost("/{id}/cancel", Cancel).WithName("CancelTask").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        tasks.MapGet("/{id}/logs", GetLogs).WithName("GetTaskLogs").ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// Submits a task. With an idempotency key or <c>deduplicate</c>, submitting the same spec again returns the same
    /// task; a different spec under a used key is rejected.
    /// </summary>
    private static async Task<Created<TaskInfo>> Submit(TaskSpec spec, ClusterManager cluster, IGrainFactory grains)
    {
        // ClusterManager.SubmitAsync would return a handle; the grain's own answer saves a second call.
        var info = await grains.GetGrain<ITaskGrain>(TaskIds.For(cluster.ClusterId, spec)).Submit(spec);
        return TypedResults.Created($"/api/tasks/{Uri.EscapeDataString(info.Id)}", info);
    }

    /// <summary>Tasks, newest first; <paramref name="state"/> filters by state (Pending, Running, Completed, ...).</summary>
    private static async Task<Ok<TaskPage>> List(ClusterManager cluster, string? state = null, int offset = 0, int limit = DefaultLimit)
        => TypedResults.Ok(await cluster.ListTasksAsync(ParseState(state), offset, limit));

    private static async Task<Ok<TaskInfo>> Get(string id, ClusterManager cluster) => TypedResults.Ok(await cluster.GetTask(id).GetInfoAsync());

    private static async Task<Ok<TaskInfo>> Cancel(string id, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] CancelRequest? request, ClusterManager cluster)
        => TypedResults.Ok(await cluster.GetTask(id).CancelAsync(request?.Reason is { Length: > 0 } reason ? reason : "cancelled through the HTTP API"));

    private static async Task<Ok<TaskLogs>> GetLogs(string id, ClusterManager cluster) => TypedResults.Ok(await cluster.GetTask(id).GetLogsAsync());

    private static TaskState? ParseState(string? state)
    {
        if (string.IsNullOrEmpty(state))
        {
            return null;
        }
        // Names only: Enum.TryParse would also take "3" or "2,4".
        return Enum.GetNames<TaskState>().FirstOrDefault(n => n.Equals(state, StringComparison.OrdinalIgnoreCase)) is { } name
            ? Enum.Parse<TaskState>(name)
            : throw new InvalidSpecException($"state '{state}' is not one of {string.Join(", ", Enum.GetNames<TaskState>())}.");
    }
}

/// <summary>Why a task is cancelled (optional).</summary>
public sealed record CancelRequest(string? Reason);
