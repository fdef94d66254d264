using Deror.Exo.Simulator.Api;
using Deror.Exo.Simulator.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Deror.Exo.Simulator.Faults;

/// <summary>
/// Failure injection and introspection under <c>/_sim/control</c>, a prefix real exo does not have. Faults never
/// apply to these endpoints, so every fault can be cleared again (except a crash).
/// </summary>
internal static class ControlEndpoints
{
    public static void MapSimulatorControl(this IEndpointRouteBuilder app, Action<int> crash)
    {
        var control = app.MapGroup("/_sim/control");

        control.MapGet("/status", (ClusterNode node, FaultState faults) => Results.Json(new { cluster = node.Status(), faults = faults.Snapshot() }));

        // The process exits with this code shortly after the answer is sent (in-process nodes stop abruptly instead):
        // the pause lets the client read the answer before the socket goes away, so it is not reset under load.
        control.MapPost("/crash", (HttpContext context, ILogger<FaultState> logger, int? exit_code) =>
        {
            var code = exit_code ?? 3;
            if (code == 0)
            {
                return ExoResults.BadRequest("A crash exits non-zero; exit_code 0 is a clean exit.");
            }
            Log.FaultInjected(logger, $"crash with exit code {code}");
            context.Response.OnCompleted(() =>
            {
                _ = Task.Delay(TimeSpan.FromMilliseconds(250)).ContinueWith(_ => crash(code), TaskScheduler.Default);
                return Task.CompletedTask;
            });
            return Results.Accepted();
        });

        control.MapPost("/hang", (FaultState faults, ILogger<FaultState> logger) =>
        {
            Log.FaultInjected(logger, "hang: requests are accepted and never answered");
            faults.Hang = true;
            return Results.NoContent();
        });

        control.MapPost("/slow", (FaultState faults, ILogger<FaultState> logger, int delay_ms) =>
        {
            if (delay_ms < 0)
            {
                return ExoResults.BadRequest("delay_ms must not be negative.");
            }
            Log.FaultInjected(logger, $"slow: {delay_ms} ms before every API response");
            faults.Delay = TimeSpan.FromMilliseconds(delay_ms);
            return Results.NoContent();
        });

        control.MapPost("/errors", (FaultState faults, ILogger<FaultState> logger, int? status) =>
        {
            var code = status ?? 500;
            if (code is < 400 or > 599)
            {
                return ExoResults.BadRequest("status must be an HTTP error status (400-599).");
            }
            Log.FaultInjected(logger, $"errors: every API request answers {code}");
            faults.ErrorStatus = code;
            return Results.NoContent();
        });

        control.MapPost("/runner-failure", (RunnerFailureRequest? request, ClusterNode node, ILogger<FaultState> logger) =>
        {
            var message = string.IsNullOrWhiteSpace(request?.Message) ? "Simulated runner failure" : request.Message;
            var failed = node.FailRunners(request?.RunnerId, request?.InstanceId, message);
            if (failed.Count == 0)
            {
                return ExoResults.NotFound("No runner on this node matches.");
            }
            Log.FaultInjected(logger, $"runner failure of {string.Join(", ", failed)}: {message}");
            return Results.Json(new { runners = failed });
        });

        control.MapDelete("/faults", (FaultState faults) =>
        {
            faults.Clear();
            return Results.NoContent();
        });
    }
}

/// <summary>Which runners of this node fail (all when both ids are null) and with which message.</summary>
internal sealed record RunnerFailureRequest(string? RunnerId, string? InstanceId, string? Message);
