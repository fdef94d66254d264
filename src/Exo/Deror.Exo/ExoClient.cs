using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Deror.Exo.Api;
using Deror.Exo.Json;
using Deror.Exo.Models;

namespace Deror.Exo;

/// <summary>
/// Typed client of one Exo node's HTTP API. Every call has a timeout (the options' default for its kind, or the
/// <c>timeout</c> argument) and fails with <see cref="ExoApiException"/> (Exo answered an error),
/// <see cref="ExoTimeoutException"/> (no answer in time) or <see cref="ExoUnavailableException"/> (unreachable).
/// Cancelling the caller's token throws <see cref="OperationCanceledException"/> as usual.
/// </summary>
public sealed class ExoClient
{
    private readonly HttpClient _http;
    private readonly ExoClientOptions _options;

    public ExoClient(HttpClient http, ExoClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = http;
        _options = options;
    }

    public Uri BaseAddress => _options.BaseAddress;

    /// <summary><c>GET /node_id</c>: this node's id, new on every Exo start. Exo's own liveness probe.</summary>
    public Task<string> GetNodeIdAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SendAsync<string>(HttpMethod.Get, "node_id", null, timeout ?? _options.ReadTimeout, cancellationToken);

    /// <summary><c>GET /state</c>: the whole cluster state as this node last received it from the master.</summary>
    public Task<ExoState> GetStateAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SendAsync<ExoState>(HttpMethod.Get, "state", null, timeout ?? _options.ReadTimeout, cancellationToken);

    /// <summary><c>GET /state/{path}</c>, e.g. <c>instances/{id}</c> or <c>topology</c>; 404 (as <see cref="ExoApiException"/>) for unknown paths.</summary>
    public Task<T> GetStatePathAsync<T>(string path, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return SendAsync<T>(HttpMethod.Get, "state/" + path.TrimStart('/'), null, timeout ?? _options.ReadTimeout, cancellationToken);
    }

    /// <inheritdoc cref="GetStatePathAsync{T}"/>
    public Task<JsonElement> GetStatePathAsync(string path, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        GetStatePathAsync<JsonElement>(path, timeout, cancellationToken);

    /// <summary><c>POST /place_instance</c>: asks the master to place the model; the instance appears in the state.</summary>
    public Task<CommandResponse> PlaceInstanceAsync(PlaceInstanceRequest request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<CommandResponse>(HttpMethod.Post, "place_instance", request, timeout ?? _options.CommandTimeout, cancellationToken);
    }

    /// <summary><c>GET /instance/placement</c>: the instance Exo would create (400 with the reason if impossible).</summary>
    public Task<ExoInstance> GetPlacementAsync(PlaceInstanceRequest request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = $"instance/placement?model_id={Uri.EscapeDataString(request.ModelId)}&sharding={Uri.EscapeDataString(request.Sharding)}" +
            $"&instance_meta={Uri.EscapeDataString(request.InstanceMeta)}&min_nodes={request.MinNodes}";
        return SendAsync<ExoInstance>(HttpMethod.Get, query, null, timeout ?? _options.ReadTimeout, cancellationToken);
    }

    /// <summary><c>POST /instance</c>: creates the given instance (e.g. one from <see cref="GetPlacementAsync"/>).</summary>
    public Task<CommandResponse> CreateInstanceAsync(ExoInstance instance, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return SendAsync<CommandResponse>(HttpMethod.Post, "instance", new CreateInstanceRequest(instance), timeout ?? _options.CommandTimeout, cancellationToken);
    }

    /// <summary><c>GET /instance/{id}</c>.</summary>
    public Task<ExoInstance> GetInstanceAsync(string instanceId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        return SendAsync<ExoInstance>(HttpMethod.Get, "instance/" + Uri.EscapeDataString(instanceId), null, timeout ?? _options.ReadTimeout, cancellationToken);
    }

    /// <summary><c>DELETE /instance/{id}</c>.</summary>
    public Task<CommandResponse> DeleteInstanceAsync(string instanceId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        return SendAsync<CommandResponse>(HttpMethod.Delete, "instance/" + Uri.EscapeDataString(instanceId), null, timeout ?? _options.CommandTimeout, cancellationToken);
    }

    /// <summary><c>GET /models</c> (optionally only the models downloaded somewhere in the cluster).</summary>
    public Task<ModelList> GetModelsAsync(bool downloadedOnly = false, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SendAsync<ModelList>(HttpMethod.Get, downloadedOnly ? "models?status=downloaded" : "models", null, timeout ?? _options.ReadTimeout, cancellationToken);

    /// <summary><c>POST /v1/chat/completions</c> without streaming.</summary>
    public Task<ChatCompletionResponse> ChatCompletionAsync(ChatCompletionRequest request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<ChatCompletionResponse>(HttpMethod.Post, "v1/chat/completions", request with { Stream = false }, timeout ?? _options.ChatTimeout, cancellationToken);
    }

    /// <summary>
    /// <c>POST /v1/chat/completions</c> with <c>stream: true</c>: yields each chunk until <c>data: [DONE]</c>.
    /// <paramref name="idleTimeout"/> bounds the wait for the response and for each next event.
    /// </summary>
    public async IAsyncEnumerable<ChatCompletionResponse> StreamChatCompletionAsync(
        ChatCompletionRequest request,
        TimeSpan? idleTimeout = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var timeout = idleTimeout ?? _options.StreamIdleTimeout;
        ExoClientOptions.RequirePositive(timeout, nameof(idleTimeout));
        const string description = "POST v1/chat/completions (stream)";
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var response = await Guard(
            () => SendCoreAsync(HttpMethod.Post, "v1/chat/completions", request with { Stream = true }, deadline.Token),
            description, timeout, cancellationToken);
        await using var body = await Guard(() => response.Content.ReadAsStreamAsync(deadline.Token), description, timeout, cancellationToken);
        var events = new ServerSentEventReader(body);
        while (true)
        {
            deadline.CancelAfter(timeout);
            var data = await Guard(() => events.ReadDataAsync(deadline.Token).AsTask(), description, timeout, cancellationToken);
            if (data is null || data == "[DONE]")
            {
                yield break;
            }
            yield return ParseChunk(data, description);
        }
    }

    /// <summary><c>POST /v1/cancel/{command_id}</c>: stops a generation (the command id is the completion's id).</summary>
    public Task<CommandResponse> CancelAsync(string commandId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commandId);
        return SendAsync<CommandResponse>(HttpMethod.Post, "v1/cancel/" + Uri.EscapeDataString(commandId), null, timeout ?? _options.CommandTimeout, cancellationToken);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ExoClientOptions.RequirePositive(timeout, nameof(timeout));
        var description = $"{method} {path}";
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        return await Guard(
            async () =>
            {
                using var response = await SendCoreAsync(method, path, body, deadline.Token);
                try
                {
                    return await response.Content.ReadFromJsonAsync<T>(ExoJson.Options, deadline.Token)
                        ?? throw new ExoProtocolException($"{description} answered null.");
                }
                catch (JsonException e)
                {
                    throw new ExoProtocolException($"{description} answered a body that is not a valid {typeof(T).Name}: {e.Message}", e);
                }
            },
            description, timeout, cancellationToken);
    }

    /// <summary>Sends the request and returns the response once its headers arrived; error statuses throw <see cref="ExoApiException"/>.</summary>
    private async Task<HttpResponseMessage> SendCoreAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_options.BaseAddress, path));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: ExoJson.Options);
        }
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var (message, type) = ReadError(text);
            throw new ExoApiException(response.StatusCode, message, type, $"{method} {path}");
        }
    }

    /// <summary>Maps transport failures to the client's exceptions: a fired deadline is a timeout, the caller's own cancellation stays one.</summary>
    private async Task<T> Guard<T>(Func<Task<T>> call, string description, TimeSpan timeout, CancellationToken callerToken)
    {
        try
        {
            return await call();
        }
        catch (OperationCanceledException e) when (!callerToken.IsCancellationRequested)
        {
            throw new ExoTimeoutException($"{description} to {_options.BaseAddress} got no answer within {timeout.TotalSeconds:0.###} s.", timeout, e);
        }
        catch (HttpRequestException e)
        {
            throw new ExoUnavailableException($"{description} could not reach {_options.BaseAddress}: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new ExoUnavailableException($"{description} lost the connection to {_options.BaseAddress}: {e.Message}", e);
        }
    }

    private static ChatCompletionResponse ParseChunk(string data, string description)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            // Exo reports a failure inside the stream as an error body after the 200 status line.
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out _))
            {
                var (message, type) = ReadError(data);
                throw new ExoApiException(System.Net.HttpStatusCode.InternalServerError, message, type, description);
            }
            return document.RootElement.Deserialize<ChatCompletionResponse>(ExoJson.Options)
                ?? throw new ExoProtocolException($"{description} streamed a null chunk.");
        }
        catch (JsonException e)
        {
            throw new ExoProtocolException($"{description} streamed an event that is not a chat completion chunk: {e.Message}", e);
        }
    }

    /// <summary>Exo's error body <c>{"error": {...}}</c>, FastAPI's <c>{"detail": ...}</c>, or the raw text.</summary>
    private static (string Message, string? Type) ReadError(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var parsed = error.Deserialize<ExoError>(ExoJson.Options);
                if (parsed?.Message is not null)
                {
                    return (parsed.Message, parsed.Type);
                }
            }
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("detail", out var detail))
            {
                return (detail.ValueKind == JsonValueKind.String ? detail.GetString()! : detail.GetRawText(), null);
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, an empty body): the raw text below is the best explanation there is.
        }
        return (body.Length > 500 ? body[..500] + "…" : body, null);
    }
}
