using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Deror.Docker.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Docker;

/// <summary>
/// A typed client of the Docker Engine API over the engine's unix socket: the primitives a container task needs,
/// each a single call, so an executor can re-adopt a container it started before a restart (find it by label,
/// inspect, wait, read its logs, remove it). Every call but <see cref="WaitContainerAsync"/> is bounded by
/// <see cref="DockerClientOptions.RequestTimeout"/> (<see cref="TimeoutException"/>); the engine's refusals are
/// <see cref="DockerApiException"/>s carrying its status and message; an unreachable engine is
/// <see cref="DockerEngineUnavailableException"/>. Thread-safe; one instance serves a process.
/// </summary>
public sealed partial class DockerClient : IDisposable
{
    private static readonly TimeSpan OomEventGrace = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan OomEventPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly DockerClientOptions _options;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _negotiation = new(1, 1);
    private string? _versionPrefix;

    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public DockerClient(DockerClientOptions options, ILogger<DockerClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        DockerClientOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _logger = logger ?? NullLogger<DockerClient>.Instance;
        _http = UnixSocketHttpClient.Create(options.SocketPath);
        if (options.ApiVersion is not null)
        {
            _versionPrefix = "/v" + options.ApiVersion;
        }
    }

    public string SocketPath => _options.SocketPath;

    /// <summary>Succeeds when the engine answers <c>GET /_ping</c>.</summary>
    public Task PingAsync(CancellationToken cancellationToken = default)
        => CallAsync("ping", _options.RequestTimeout, cancellationToken, async token =>
        {
            using var response = await SendAsync(HttpMethod.Get, "/_ping", content: null, versioned: false, token);
            await EnsureSuccessAsync(response, "ping", token);
            return true;
        });

    /// <summary>The engine's version and the API versions it serves.</summary>
    public Task<DockerVersionInfo> GetVersionAsync(CancellationToken cancellationToken = default)
        => CallAsync("version", _options.RequestTimeout, cancellationToken, GetVersionCoreAsync);

    /// <summary>The image's id and tags.</summary>
    /// <exception cref="DockerImageNotFoundException">The image is not present.</exception>
    public Task<DockerImageInfo> InspectImageAsync(string image, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        const string Operation = "inspect image";
        return CallAsync(Operation, _options.RequestTimeout, cancellationToken, async token =>
        {
            using var response = await SendAsync(HttpMethod.Get, $"/images/{EscapeImage(image)}/json", content: null, versioned: true, token);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new DockerImageNotFoundException(Operation, image, await ReadErrorMessageAsync(response, token));
            }
            var body = await ReadJsonAsync(response, Operation, DockerJsonContext.Default.ImageInspectResponse, token);
            return new DockerImageInfo(body.Id, body.RepoTags ?? [], ParseTime(body.Created), body.Size);
        });
    }

    /// <summary>Creates (does not start) a container; returns its id.</summary>
    /// <exception cref="ArgumentException">The spec is invalid.</exception>
    /// <exception cref="DockerImageNotFoundException">The image is not present.</exception>
    public Task<string> CreateContainerAsync(DockerContainerSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        const string Operation = "create container";
        var body = new ContainerCreateRequest
        {
            Image = spec.Image,
            Cmd = spec.Command,
            Entrypoint = spec.Entrypoint,
            Env = spec.Environment?.Select(variable => $"{variable.Key}={variable.Value}").ToList(),
            WorkingDir = spec.WorkingDirectory,
            Labels = spec.Labels,
            User = spec.User,
            HostConfig = new HostConfigRequest
            {
                NanoCpus = spec.NanoCpus,
                Memory = spec.MemoryBytes,
                // Swap capped at the memory limit: over its limit a container is OOM-killed, not slowed down by swapping.
                MemorySwap = spec.MemoryBytes,
                NetworkMode = spec.NetworkMode,
            },
        };
        var path = spec.Name is null ? "/containers/create" : $"/containers/create?name={Uri.EscapeDataString(spec.Name)}";
        return CallAsync(Operation, _options.RequestTimeout, cancellationToken, async token =>
        {
            using var content = JsonContent.Create(body, DockerJsonContext.Default.ContainerCreateRequest);
            using var response = await SendAsync(HttpMethod.Post, path, content, versioned: true, token);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new DockerImageNotFoundException(Operation, spec.Image, await ReadErrorMessageAsync(response, token));
            }
            var created = await ReadJsonAsync(response, Operation, DockerJsonContext.Default.ContainerCreateResponse, token);
            DockerLog.ContainerCreated(_logger, created.Id, spec.Image);
            foreach (var warning in created.Warnings ?? [])
            {
                DockerLog.CreateWarning(_logger, created.Id, warning);
            }
            return created.Id;
        });
    }

    /// <summary>Starts a created container; starting a running one does nothing.</summary>
    /// <exception cref="DockerContainerNotFoundException">No such container.</exception>
    public Task StartContainerAsync(string container, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(container);
        const string Operation = "start container";
        return CallAsync(Operation, _options.RequestTimeout, cancellationToken, async token =>
        {
            using var response = await SendAsync(HttpMethod.Post, $"/containers/{Uri.EscapeDataString(container)}/start", content: null, versioned: true, token);
            // 304: it was already running.
            if (response.StatusCode != HttpStatusCode.NotModified)
            {
                await EnsureContainerSuccessAsync(response, Operation, container, token);
            }
            DockerLog.ContainerStarted(_logger, container);
            return true;
        });
    }

    /// <summary>
    /// Waits for the container (by default until it is not running, which returns at once for one that has exited)
    /// and returns its exit code. Not bounded by the request timeout: a task runs as long as its token allows.
    /// </summary>
    /// <exception cref="DockerContainerNotFoundException">No such container.</exception>
    public Task<DockerWaitResult> WaitContainerAsync(string container, DockerWaitCondition condition = DockerWaitCondition.NotRunning, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(container);
        const string Operation = "wait for container";
        var conditionText = condition switch
        {
            DockerWaitCondition.NotRunning => "not-running",
            DockerWaitCondition.NextExit => "next-exit",
            DockerWaitCondition.Removed => "removed",
            _ => throw new ArgumentOutOfRangeException(nameof(condition), condition, "Unknown wait condition."),
        };
        return CallAsync(Operation, timeout: null, cancellationToken, async token =>
        {
            using var response = await SendAsync(HttpMethod.Post, $"/containers/{Uri.EscapeDataString(container)}/wait?condition={conditionText}", content: null, versioned: true, token);
            await EnsureContainerSuccessAsync(response, Operation, container, token);
            var body = await ReadJsonAsync(response, Operation, DockerJsonContext.Default.ContainerWaitResponse, token);
            return new DockerWaitResult(body.StatusCode, body.Error?.Message is { Length: > 0 } message ? message : null);
        });
    }

    /// <summary>
    /// The container's output so far, stdout and stderr apart, each cut to its last
    /// <paramref name="maxBytesPerStream"/> bytes (default <see cref="DockerClientOptions.MaxLogBytes"/>).
    /// </summary>
    /// <exception cref="DockerContainerNotFoundException">No such container.</exception>
    public Task<DockerLogs> GetLogsAsync(string container, int? maxBytesPerStream = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(container);
        if (maxBytesPerStream is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBytesPerStream), maxBytesPerStream, "The log capture limit must be positive.");
        }
        const string Operation = "read container logs";
        var limit = maxBytesPerStream ?? _options.MaxLogBytes;
        return CallAsync(Operation, _options.RequestTimeout, cancellationToken, async token =>
        {
            using var response = await SendAsync(HttpMethod.Get, $"/containers/{Uri.EscapeDataString(container)}/logs?stdout=1&stderr=1", content: null, versioned: true, token);
            await EnsureContainerSuccessAsync(response, Operation, container, token);
            var stdout = new TailBuffer(limit);
            var stderr = new TailBuffer(limit);
            await using (var stream = await response.Content.ReadAsStreamAsync(token))
            {
                await DockerLogStream.ReadAsync(stream, stdout, stderr, token);
            }
            return new DockerLogs(stdout.ToText(), stderr.ToText(), stdout.Truncated, stderr.Truncated);
        });
    }

    /// <summary>
    /// Stops the container: its stop signal (SIGTERM by default), then SIGKILL after <paramref name="gracePeriod"/>
    /// (default: the engine's, 10 s). Stopping a stopped container does nothing.
    /// </summary>
    /// <exception cref="DockerContainerNotFoundException">No such container.</exception>
    public Task StopContainerAsync(string container, TimeSpan? gracePeriod = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(container);
        if (gracePeriod < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(gracePeriod), gracePeriod, "The grace period must not be negative.");
        }
        const string Operation = "stop container";
        var seconds = (int)Math.Ceiling((gracePeriod ?? TimeSpan.FromSeconds(10)).TotalSeconds);
        return CallAsync(Operation, _options.RequestTimeout + TimeSpan.FromSeconds(seconds), cancellationToken, async token =>
        {
            var path = $"/containers/{Uri.EscapeDataString(container)}/stop?t={seconds.ToString(CultureInfo.InvariantCulture)}";
            using var response = await SendAsync(HttpMethod.Post, path, content: null, versioned: true, token);
            // 304: it was not running.
            if (response.StatusCode != HttpStatusCode.NotModified)
            {
                await EnsureContainerSuccessAsync(response, Operation, container, token);
            }
            return true;
        });
    }

    /// <summary>Sends <paramref name="signal"/> (default SIGKILL) to the container; false when it was not running.</summary>
    /// <exception cref="DockerContainerNotFoundException">No such container.</exception>
    public Task<bool> KillContainerAsync(string container, string signal = "SIGKILL", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(container);
        ArgumentException.ThrowIfNullOrWhiteSpace(signal);
        const string Operation = "kill container";
        return CallAsync(Operation, _options.RequestTimeout, cancellationToken, async token =>
        {
            var path = $"/containers/{Uri.EscapeDataString(container)}/kill?signal={Uri.EscapeDataString(signal)}";
            using var response = await SendAsync(HttpMethod.Post, path, content: null, versioned: true, token);
            // 409: the container is not running.
            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                return false;
            }
            await EnsureContainerSuccessAsync(response, Operation, container, token);
            DockerLog.ContainerSignalled(_logger, container, signal);
            return true;
        });
    }

    /// <summary>
    /// Removes the container and its anonymous volumes; with <paramref name="force"/> (the default) a running one is
    /// killed first. False when there was no such container, so removal is safe to repeat.
    /// </summary>
    public Task<bool> RemoveContainerAsync(string container, bool force = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(container);
        const string Operation = "remove container";
        return CallAsync(Operation, _options.RequestTimeout, cancellationToken, async token =>
        {
            var path = $"/containers/{Uri.EscapeDataString(container)}?v=1&force={(force ? "1" : "0")}";
            using var response = await SendAsync(HttpMethod.Delete, path, content: null, versioned: true, token);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }
            await EnsureSuccessAsync(response, Operation, token);
            DockerLog.ContainerRemoved(_logger, container);
            return true;
        });
    }

    /// <summary>
    /// The containers carrying every given label (a null value matches any value of that key), stopped ones included
    /// unless <paramref name="includeStopped"/> is false.
    /// </summary>
    public Task<IReadOnlyList<DockerContainerSummary>> ListContainersAsync(
        IReadOnlyDictionary<string, string?> labels, bool includeStopped = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Keys.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Label keys must be non-empty.", nameof(labels));
        }
        const string Operation = "list containers";
        var filters = new Dictionary<string, List<string>>
        {
            ["label"] = labels.Select(label => label.Value is null ? label.Key : $"{label.Key}={label.Value}").ToList(),
        };
        var query = $"?all={(includeStopped ? "1" : "0")}&filters={Uri.EscapeDataString(JsonSerializer.Serialize(filters, DockerJsonContext.Default.DictionaryStringListString))}";
        return CallAsync(Operation, _options.RequestTimeout, cancellationToken, async token =>
        {
            using var response = await SendAsync(HttpMethod.Get, "/containers/json" + query, content: null, versioned: true, token);
            var containers = await ReadJsonAsync(response, Operation, DockerJsonContext.Default.ListContainerSummaryResponse, token);
            return (IReadOnlyList<DockerContainerSummary>)containers.Select(container => new DockerContainerSummary(
                container.Id,
                (container.Names ?? []).Select(name => name.TrimStart('/')).ToList(),
                container.Image ?? "",
                DockerContainerStatusParser.Parse(container.State),
                container.Status ?? "",
                container.Labels ?? [],
                DateTimeOffset.FromUnixTimeSeconds(container.Created))).ToList();
        });
    }

    /// <summary>The container's state (running, exit code, OOM kill), labels and limits.</summary>
    /// <exception cref="DockerContainerNotFoundException">No such container.</exception>
    public Task<DockerContainerInfo> InspectContainerAsync(string container, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(container);
        const string Operation = "inspect container";
        return CallAsync(Operation, _options.RequestTimeout, cancellationToken, async token =>
        {
            using var response = await SendAsync(HttpMethod.Get, $"/containers/{Uri.EscapeDataString(container)}/json", content: null, versioned: true, token);
            await EnsureContainerSuccessAsync(response, Operation, container, token);
            var body = await ReadJsonAsync(response, Operation, DockerJsonContext.Default.ContainerInspectResponse, token);
            var state = body.State ?? new ContainerStateResponse();
            return new DockerContainerInfo(
                body.Id,
                body.Name?.TrimStart('/') ?? "",
                body.Config?.Image ?? "",
                body.Config?.Labels ?? [],
                new DockerContainerState(
                    DockerContainerStatusParser.Parse(state.Status),
                    state.Running,
                    state.ExitCode,
                    state.OOMKilled,
                    state.Error is { Length: > 0 } error ? error : null,
                    state.Pid,
                    ParseTime(state.StartedAt),
                    ParseTime(state.FinishedAt)),
                body.HostConfig?.Memory ?? 0,
                body.HostConfig?.NanoCpus ?? 0,
                ParseTime(body.Created));
        });
    }

    /// <summary>
    /// <see cref="InspectContainerAsync"/> for a container that has exited, with its OOM kill settled: the engine
    /// learns of an OOM kill from a separate event that can land well after the exit on a busy machine, so a SIGKILLed
    /// (137) container with a memory limit that the caller did not kill itself is re-read for a short grace period
    /// before "not OOM-killed" is believed.
    /// </summary>
    /// <exception cref="DockerContainerNotFoundException">No such container.</exception>
    public async Task<DockerContainerInfo> InspectExitedContainerAsync(string container, bool killedByCaller, CancellationToken cancellationToken = default)
    {
        var info = await InspectContainerAsync(container, cancellationToken);
        var deadline = DateTime.UtcNow + OomEventGrace;
        while (!killedByCaller && info.State is { OomKilled: false, ExitCode: 137 } && info.MemoryBytes > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(OomEventPollInterval, cancellationToken);
            info = await InspectContainerAsync(container, cancellationToken);
        }
        return info;
    }

    public void Dispose()
    {
        _http.Dispose();
        _negotiation.Dispose();
    }

    private async Task<DockerVersionInfo> GetVersionCoreAsync(CancellationToken cancellationToken)
    {
        const string Operation = "version";
        using var response = await SendAsync(HttpMethod.Get, "/version", content: null, versioned: false, cancellationToken);
        var body = await ReadJsonAsync(response, Operation, DockerJsonContext.Default.VersionResponse, cancellationToken);
        if (!DockerApiVersion.TryParse(body.ApiVersion, out var apiVersion))
        {
            throw new DockerException($"The Docker engine at unix://{_options.SocketPath} reported no valid API version ('{body.ApiVersion}').");
        }
        // Engines too old to report a minimum serve every version back to 1.12.
        var minApiVersion = DockerApiVersion.TryParse(body.MinAPIVersion, out var reported) ? reported : new DockerApiVersion(1, 12);
        return new DockerVersionInfo(body.Version ?? "", apiVersion, minApiVersion, body.Os ?? "", body.Arch ?? "", body.KernelVersion ?? "");
    }

    /// <summary>The <c>/vX.Y</c> prefix of versioned paths: pinned by the options, or negotiated on first use and kept.</summary>
    private async Task<string> VersionPrefixAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _versionPrefix) is { } prefix)
        {
            return prefix;
        }
        await _negotiation.WaitAsync(cancellationToken);
        try
        {
            if (_versionPrefix is null)
            {
                // A failure is not kept: an engine that is still starting is asked again on the next call.
                var engine = await GetVersionCoreAsync(cancellationToken);
                var chosen = DockerApiVersion.Negotiate(engine.MinApiVersion, engine.ApiVersion);
                DockerLog.ApiVersionNegotiated(_logger, chosen, engine.Version, _options.SocketPath, engine.MinApiVersion, engine.ApiVersion);
                Volatile.Write(ref _versionPrefix, "/v" + chosen);
            }
            return _versionPrefix;
        }
        finally
        {
            _negotiation.Release();
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, bool versioned, CancellationToken cancellationToken)
    {
        var prefix = versioned ? await VersionPrefixAsync(cancellationToken) : "";
        using var request = new HttpRequestMessage(method, new Uri(prefix + path, UriKind.Relative)) { Content = content };
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new DockerEngineUnavailableException(_options.SocketPath, exception);
        }
    }

    /// <summary>Runs one call under its timeout, turning the timeout's cancellation into a <see cref="TimeoutException"/>.</summary>
    private static async Task<T> CallAsync<T>(string operation, TimeSpan? timeout, CancellationToken cancellationToken, Func<CancellationToken, Task<T>> call)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } limit)
        {
            deadline.CancelAfter(limit);
        }
        try
        {
            return await call(deadline.Token);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"Docker {operation} did not complete within {timeout}.", exception);
        }
        catch (IOException exception)
        {
            // The connection broke while a response body was being read.
            throw new DockerException($"Docker {operation} failed reading the engine's answer: {exception.Message}", exception);
        }
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, string operation, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, operation, cancellationToken);
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken)
                ?? throw new DockerException($"Docker {operation}: the engine answered with an empty body.");
        }
        catch (JsonException exception)
        {
            throw new DockerException($"Docker {operation}: the engine's answer is not the JSON expected: {exception.Message}", exception);
        }
    }

    private static async Task EnsureContainerSuccessAsync(HttpResponseMessage response, string operation, string container, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new DockerContainerNotFoundException(operation, container, await ReadErrorMessageAsync(response, cancellationToken));
        }
        await EnsureSuccessAsync(response, operation, cancellationToken);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new DockerApiException(operation, response.StatusCode, await ReadErrorMessageAsync(response, cancellationToken));
        }
    }

    private static async Task<string> ReadErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            if (JsonSerializer.Deserialize(text, DockerJsonContext.Default.ErrorResponse)?.Message is { Length: > 0 } message)
            {
                return message;
            }
        }
        catch (JsonException)
        {
            // Not the engine's JSON error body (e.g. a proxy's page): report the text as it is.
        }
        return text.Trim() is { Length: > 0 } trimmed ? trimmed : response.ReasonPhrase ?? "(no message)";
    }

    // Image references go into the path with their slashes and colons readable, as the engine's router expects.
    private static string EscapeImage(string image)
        => Uri.EscapeDataString(image).Replace("%2F", "/", StringComparison.Ordinal).Replace("%3A", ":", StringComparison.Ordinal);

    // The engine writes "0001-01-01T00:00:00Z" for a time that has not happened (a container never started).
    private static DateTimeOffset? ParseTime(string? text)
        => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && time.Year > 1 ? time : null;
}
