using Deror.Agent.Execution;
using Deror.Agent.Supervision;
using Deror.Exo;
using Deror.Exo.Api;
using Deror.Grains;
using Microsoft.Extensions.Logging;

namespace Deror.Agent.Directives;

/// <summary>
/// Acts on the node grain's directives, whichever loop brings them (heartbeat answers and long polls): one-shot
/// requests (restart Exo, place models) every time they appear; the mode and task set from the newest version only.
/// Drain and maintenance run in the background, so directives keep flowing while they do.
/// </summary>
internal sealed partial class NodeController : IAsyncDisposable
{
    private readonly INodeGrain _node;
    private readonly IExoProcess _exo;
    private readonly ExoClient _exoClient;
    private readonly TaskReconciler _reconciler;
    private readonly ExoDrain _drain;
    private readonly MaintenanceOptions _maintenance;
    private readonly GrainRetry _retry;
    private readonly TimeSpan _retryDelay;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private long _appliedVersion = long.MinValue;
    private NodeMode? _mode;
    private CancellationTokenSource? _modeWork;
    private Task _modeTask = Task.CompletedTask;

    public NodeController(INodeGrain node, IExoProcess exo, ExoClient exoClient, TaskReconciler reconciler, ExoDrain drain, SidecarOptions options, GrainRetry retry, ILogger logger)
    {
        _node = node;
        _exo = exo;
        _exoClient = exoClient;
        _reconciler = reconciler;
        _drain = drain;
        _maintenance = options.Maintenance;
        _retryDelay = options.GrainRetryMaxDelay;
        _retry = retry;
        _logger = logger;
    }

    /// <summary>Takes new tasks: serving, and not shutting down.</summary>
    public bool AcceptingTasks
    {
        get
        {
            lock (_lock)
            {
                return _mode is null or NodeMode.Serve && !_stopping.IsCancellationRequested;
            }
        }
    }

    public void Apply(NodeDirective directive)
    {
        ArgumentNullException.ThrowIfNull(directive);
        if (directive.RestartExo)
        {
            _exo.RequestRestart("the node grain asked: Exo has been unreachable too long");
        }
        if (directive.PlaceModels.Count > 0)
        {
            _ = PlaceModelsAsync(directive.PlaceModels);
        }
        lock (_lock)
        {
            if (directive.Version < _appliedVersion || _stopping.IsCancellationRequested)
            {
                return; // an older directive overtaken by a newer one
            }
            _appliedVersion = directive.Version;
            _reconciler.Reconcile(directive.Tasks, acceptNew: directive.Mode == NodeMode.Serve);
            if (directive.Mode == _mode)
            {
                return;
            }
            LogMode(_logger, directive.Mode, directive.Version);
            _mode = directive.Mode;
            _modeWork?.Cancel();
            _modeWork = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            var token = _modeWork.Token;
            var previous = _modeTask;
            _modeTask = directive.Mode switch
            {
                NodeMode.Drain => Task.Run(() => AfterAsync(previous, () => DrainAsync(token))),
                NodeMode.Maintain => Task.Run(() => AfterAsync(previous, () => MaintainAsync(token))),
                _ => Task.Run(() => AfterAsync(previous, () => ServeAsync())),
            };
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task modeTask;
        lock (_lock)
        {
            _stopping.Cancel();
            modeTask = _modeTask;
        }
        await modeTask.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _modeWork?.Dispose();
        _stopping.Dispose();
    }

    private static async Task AfterAsync(Task previous, Func<Task> next)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await next().ConfigureAwait(false);
    }

    private Task ServeAsync()
    {
        _exo.StartExo("the node serves");
        return Task.CompletedTask;
    }

    private Task DrainAsync(CancellationToken cancellationToken) => PersistAsync(NodeMode.Drain, async () =>
    {
        // Running tasks finish, or the grain moves them (they leave the directive and are stopped).
        await _reconciler.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
        await _drain.RunAsync(cancellationToken).ConfigureAwait(false);
        await _retry.CallAsync("Reporting the drain done", _node.ReportDrained, cancellationToken).ConfigureAwait(false);
        LogDrained(_logger);
    }, cancellationToken);

    private Task MaintainAsync(CancellationToken cancellationToken) => PersistAsync(NodeMode.Maintain, async () =>
    {
        await _exo.StopExoAsync("maintenance", cancellationToken).ConfigureAwait(false);
        var failure = await RunMaintenanceCommandAsync(cancellationToken).ConfigureAwait(false);
        _exo.StartExo(failure is null ? "maintenance done" : "maintenance failed");
        if (failure is null)
        {
            await _retry.CallAsync("Reporting maintenance done", _node.ReportMaintained, cancellationToken).ConfigureAwait(false);
            LogMaintained(_logger);
        }
        else
        {
            await _retry.CallAsync("Reporting maintenance failed", () => _node.ReportMaintenanceFailed(failure), cancellationToken).ConfigureAwait(false);
        }
    }, cancellationToken);

    /// <summary>Runs a mode's steps until they succeed (each is safe to repeat), the grain rejects them, or the mode changes.</summary>
    private async Task PersistAsync(NodeMode mode, Func<Task> steps, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await steps().ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (GrainRetry.IsRejection(e))
            {
                LogModeRejected(_logger, mode, e.Message);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogModeFailed(_logger, e, mode, _retryDelay.TotalSeconds);
            }
            await Task.Delay(_retryDelay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// Runs the configured maintenance command; returns why it failed, or null. Exo comes back either way (a node
    /// that serves without its upgrade is better than one left down); the failure goes to the node grain, so the
    /// cluster's maintenance run stops or skips the node per its policy.
    /// </summary>
    private async Task<string?> RunMaintenanceCommandAsync(CancellationToken cancellationToken)
    {
        if (_maintenance.Command is not { } command)
        {
            return null;
        }
        var executor = new ProcessTaskExecutor(new TaskExecutionOptions());
        var spec = new TaskSpec
        {
            Kind = TaskKind.Process,
            Process = new ProcessSpec { Command = command, Arguments = _maintenance.Arguments, WorkingDirectory = _maintenance.WorkingDirectory },
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_maintenance.Timeout);
        var outcome = await executor.ExecuteAsync(new TaskExecution("maintenance", 1, spec, ""), timeout.Token).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (outcome.Succeeded)
        {
            LogMaintenanceCommand(_logger, command, outcome.Logs);
            return null;
        }
        LogMaintenanceCommandFailed(_logger, command, outcome.Error ?? "", outcome.Logs);
        return FailureReason(command, outcome);
    }

    /// <summary>The command, how it ended and its last line of output: enough for an operator reading the maintenance status.</summary>
    private static string FailureReason(string command, TaskOutcome outcome)
    {
        const int MaxOutput = 200;
        var last = outcome.Logs.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        if (last.Length > MaxOutput)
        {
            last = last[^MaxOutput..];
        }
        var ended = outcome.Error ?? "failed.";
        return last.Length == 0 ? $"'{command}' {ended}" : $"'{command}' {ended} Last output: {last}";
    }

    private async Task PlaceModelsAsync(IReadOnlyList<ModelPlacement> placements)
    {
        foreach (var placement in placements)
        {
            try
            {
                await _exoClient.PlaceInstanceAsync(new PlaceInstanceRequest
                {
                    ModelId = placement.ModelId,
                    Sharding = placement.Sharding,
                    InstanceMeta = placement.InstanceMeta,
                    MinNodes = placement.MinNodes,
                }, cancellationToken: _stopping.Token).ConfigureAwait(false);
                LogPlaced(_logger, placement.ModelId);
            }
            catch (Exception e) when (e is ExoException or OperationCanceledException)
            {
                // The cluster grain asks again after its retry interval if the model is still not served.
                LogPlaceFailed(_logger, placement.ModelId, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node mode is now {Mode} (directive {Version})")]
    private static partial void LogMode(ILogger logger, NodeMode mode, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drain done: tasks gone, instances deleted, Exo stopped")]
    private static partial void LogDrained(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Maintenance done; Exo starting")]
    private static partial void LogMaintained(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Mode} failed; trying again in {Seconds:0.#} s")]
    private static partial void LogModeFailed(ILogger logger, Exception exception, NodeMode mode, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The node grain rejected the end of {Mode}: {Reason}")]
    private static partial void LogModeRejected(ILogger logger, NodeMode mode, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Maintenance command '{Command}' succeeded: {Output}")]
    private static partial void LogMaintenanceCommand(ILogger logger, string command, string output);

    [LoggerMessage(Level = LogLevel.Error, Message = "Maintenance command '{Command}' failed: {Error} {Output}")]
    private static partial void LogMaintenanceCommandFailed(ILogger logger, string command, string error, string output);

    [LoggerMessage(Level = LogLevel.Information, Message = "Asked Exo to place model {ModelId}")]
    private static partial void LogPlaced(ILogger logger, string modelId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Placing model {ModelId} failed: {Error}")]
    private static partial void LogPlaceFailed(ILogger logger, string modelId, string error);
}
