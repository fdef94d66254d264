using Deror.Agent.Directives;
using Deror.Agent.Execution;
using Deror.Agent.Probing;
using Deror.Agent.Supervision;
using Deror.Exo;
using Deror.Grains;
using Deror.Hosting;
using Deror.Runtime.Messaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Agent.Hosting;

/// <summary>
/// The sidecar inside the silo: starts after the gateway (the silo is in its cluster) and stops before it, so its
/// last reports still reach the grains. Runs the Exo supervisor, the probe loop and the directive loop.
/// </summary>
internal sealed partial class SidecarAgent : ISiloLifecycleParticipant
{
    private readonly SidecarOptions _options;
    private readonly IExoProcess _exo;
    private readonly ILogger _logger;
    private readonly TaskReconciler _reconciler;
    private readonly NodeController _controller;
    private readonly ProbeLoop _probeLoop;
    private readonly DirectiveLoop _directiveLoop;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loops = Task.CompletedTask;

    public SidecarAgent(IOptions<SidecarOptions> options, IGrainFactory grains, ILocalSiloDetails silo, IExoProcess exo, ExoClient exoClient, TaskExecutorSet executors, HandlerTaskExecutor handlers, ILoggerFactory loggers)
    {
        _options = options.Value;
        _exo = exo;
        _logger = loggers.CreateLogger("Deror.Agent");
        var node = grains.GetGrain<INodeGrain>(_options.NodeName);
        var retry = new GrainRetry(_options.GrainRetryDelay, _options.GrainRetryMaxDelay, _logger);
        _reconciler = new TaskReconciler(grains, executors, retry, _options.NodeName, _options.Tasks, loggers.CreateLogger<TaskReconciler>());
        var drain = new ExoDrain(exoClient, exo, _options.Drain, loggers.CreateLogger<ExoDrain>());
        _controller = new NodeController(node, exo, exoClient, _reconciler, drain, _options, retry, loggers.CreateLogger<NodeController>());
        _probeLoop = new ProbeLoop(new ExoObserver(exoClient, exo, _options, handlers.Names), node, _controller, _reconciler, silo.SiloAddress.ToString(), _options.ProbePeriod, loggers.CreateLogger<ProbeLoop>());
        _directiveLoop = new DirectiveLoop(node, _controller, retry, _options.DirectiveWait, loggers.CreateLogger<DirectiveLoop>());
    }

    public int Stage => SiloLifecycleStage.Gateway + 100;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogStarting(_logger, _options.NodeName, _options.ExoApiUrl, _exo is ExoSupervisor ? "supervised" : "external");
        (_exo as ExoSupervisor)?.Start();
        _loops = Task.WhenAll(
            Task.Run(() => _probeLoop.RunAsync(_stopping.Token), CancellationToken.None),
            Task.Run(() => _directiveLoop.RunAsync(_stopping.Token), CancellationToken.None));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loops.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _controller.DisposeAsync().ConfigureAwait(false);
        await _reconciler.DisposeAsync().ConfigureAwait(false);
        if (_exo is ExoSupervisor supervisor)
        {
            await supervisor.ShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
        _stopping.Dispose();
        LogStopped(_logger, _options.NodeName);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sidecar for node {Node} starting: Exo at {ExoApiUrl} ({Mode})")]
    private static partial void LogStarting(ILogger logger, string node, Uri exoApiUrl, string mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sidecar for node {Node} stopped")]
    private static partial void LogStopped(ILogger logger, string node);
}
