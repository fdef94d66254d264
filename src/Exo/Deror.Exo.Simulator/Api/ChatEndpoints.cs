using System.Collections.Concurrent;
using System.Text.Json;
using Deror.Exo.Api;
using Deror.Exo.Health;
using Deror.Exo.Json;
using Deror.Exo.Models;
using Deror.Exo.Simulator.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Deror.Exo.Simulator.Api;

/// <summary>
/// <c>POST /v1/chat/completions</c> (plain and SSE) and <c>POST /v1/cancel/{command_id}</c>. A completion waits out
/// an election, needs an instance of the model (404 "No instance found for model X" otherwise), waits until it is
/// ready, and records a TextGeneration task in the master's state: Pending, Running, then Complete or Cancelled.
/// Invented: generation runs on the node that took the request, and only that node can cancel it.
/// </summary>
internal static class ChatEndpoints
{
    public static void MapChatCompletions(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/chat/completions", CompleteAsync);

        app.MapPost("/v1/cancel/{commandId}", (string commandId, ChatSessions sessions) =>
            sessions.Cancel(commandId)
                ? Results.Json(new CommandResponse { Message = "Command received.", CommandId = commandId }, ExoJson.Options)
                : ExoResults.NotFound($"Command {commandId} not found."));
    }

    private static async Task<IResult> CompleteAsync(HttpContext context, ClusterNode node, ChatSessions sessions)
    {
        var body = await ExoApiEndpoints.ReadBodyAsync(context);
        if (!ExoApiEndpoints.TryParse<ChatCompletionRequest>(body, out var request, out var error))
        {
            return error;
        }
        if (string.IsNullOrWhiteSpace(request.Model) || request.Messages.Count == 0)
        {
            return ExoResults.BadRequest("model and at least one message are required.");
        }
        var aborted = context.RequestAborted;
        var master = await node.WaitForMasterAsync(aborted);
        var instanceId = await WaitForReadyInstanceAsync(node, request.Model, aborted);
        if (instanceId.Error is not null)
        {
            return instanceId.Error;
        }

        var commandId = Guid.NewGuid().ToString();
        using var generation = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        sessions.Add(commandId, generation);
        try
        {
            var task = new TextGeneration
            {
                TaskId = Guid.NewGuid().ToString(),
                InstanceId = instanceId.Id!,
                CommandId = commandId,
                TaskStatus = ExoTaskStatus.Pending,
                TaskParams = JsonSerializer.SerializeToElement(request, ExoJson.Options),
            };
            await RecordAsync(node, master, task, aborted);
            await RecordAsync(node, master, task with { TaskStatus = ExoTaskStatus.Running }, aborted);
            var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var tokens = TextGenerator.Tokens(request);
            var finishReason = request.MaxTokens is null ? "stop" : "length";
            var produced = new List<string>();
            if (request.Stream)
            {
                context.Response.ContentType = "text/event-stream";
                context.Response.Headers.CacheControl = "no-cache";
                await context.Response.WriteAsync(": keep-alive\n\n", aborted);
                await context.Response.Body.FlushAsync(aborted);
            }
            foreach (var token in tokens)
            {
                try
                {
                    await Task.Delay(node.Options.TokenDelay, generation.Token);
                }
                catch (OperationCanceledException)
                {
                    finishReason = "stop";
                    break;
                }
                produced.Add(token);
                if (request.Stream)
                {
                    await WriteEventAsync(context, Chunk(commandId, created, request.Model, new ChatMessage("assistant", token), null, null), aborted);
                }
            }
            var cancelled = generation.IsCancellationRequested;
            await RecordAsync(node, master, task with { TaskStatus = cancelled ? ExoTaskStatus.Cancelled : ExoTaskStatus.Complete }, CancellationToken.None);
            aborted.ThrowIfCancellationRequested();
            var usage = new ChatUsage(TextGenerator.PromptTokens(request), produced.Count, TextGenerator.PromptTokens(request) + produced.Count);
            if (!request.Stream)
            {
                return Results.Json(new ChatCompletionResponse
                {
                    Id = commandId,
                    Created = created,
                    Model = request.Model,
                    Choices = [new ChatChoice { Index = 0, Message = new ChatMessage("assistant", string.Concat(produced)), FinishReason = finishReason }],
                    Usage = usage,
                }, ExoJson.Options);
            }
            await WriteEventAsync(context, Chunk(commandId, created, request.Model, new ChatMessage("assistant", ""), finishReason, usage), aborted);
            await context.Response.WriteAsync("data: [DONE]\n\n", aborted);
            await context.Response.Body.FlushAsync(aborted);
            return Results.Empty;
        }
        finally
        {
            sessions.Remove(commandId);
        }
    }

    /// <summary>An instance of the model that is ready; waits (without a timeout, as exo does) while one is loading.</summary>
    private static async Task<(string? Id, IResult? Error)> WaitForReadyInstanceAsync(ClusterNode node, string model, CancellationToken cancellationToken)
    {
        while (true)
        {
            var state = node.CurrentState();
            var candidates = state.Instances.Values
                .Where(i => i.ShardAssignments.ModelId == model)
                .Select(i => state.GetInstanceHealth(i.InstanceId))
                .ToList();
            if (candidates.Count == 0)
            {
                return (null, ExoResults.NotFound($"No instance found for model {model}"));
            }
            if (candidates.FirstOrDefault(c => c.Status == InstanceServingStatus.Ready) is { } ready)
            {
                return (ready.InstanceId, null);
            }
            if (candidates.All(c => c.Status == InstanceServingStatus.Failed))
            {
                var failure = candidates.SelectMany(c => c.Failures).First();
                return (null, ExoResults.Create(StatusCodes.Status500InternalServerError, $"Runner {failure.RunnerId} failed: {failure.ErrorMessage}"));
            }
            await Task.Delay(node.Options.TickInterval / 2, cancellationToken);
        }
    }

    private static async Task RecordAsync(ClusterNode node, MasterRef master, ExoTask task, CancellationToken cancellationToken)
    {
        if (master.Address is null)
        {
            node.TryAsMaster((store, _) => { store.PutTask(task); return true; }, out _);
            return;
        }
        await node.Peers.PutTaskAsync(master.Address, task, cancellationToken);
    }

    private static ChatCompletionResponse Chunk(string id, long created, string model, ChatMessage delta, string? finishReason, ChatUsage? usage) => new()
    {
        Id = id,
        Object = "chat.completion",
        Created = created,
        Model = model,
        Choices = [new ChatChoice { Index = 0, Delta = delta, FinishReason = finishReason }],
        Usage = usage,
    };

    private static async Task WriteEventAsync(HttpContext context, ChatCompletionResponse chunk, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(chunk, ExoJson.Options) + "\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }
}

/// <summary>Generations in progress on this node, by command id, so <c>/v1/cancel</c> can stop them.</summary>
internal sealed class ChatSessions
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    public void Add(string commandId, CancellationTokenSource generation) => _running[commandId] = generation;

    public void Remove(string commandId) => _running.TryRemove(commandId, out _);

    public bool Cancel(string commandId)
    {
        if (!_running.TryGetValue(commandId, out var generation))
        {
            return false;
        }
        try
        {
            generation.Cancel();
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false; // it finished while being cancelled
        }
    }
}
