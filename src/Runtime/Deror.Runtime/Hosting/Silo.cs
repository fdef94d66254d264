using Deror.Invocation;
using Deror.Runtime.Messaging;
using Deror.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Deror.Hosting;

/// <summary>
/// The silo's lifecycle: starts its components in stage order when the host starts; on shutdown stops them in
/// reverse order, deactivating every activation (so OnDeactivateAsync runs and state is saved) once nothing
/// feeds them new work any more.
/// </summary>
public sealed partial class Silo : IHostedService
{
    private readonly IReadOnlyList<ISiloLifecycleParticipant> _participants;
    private readonly Runtime.Catalog.Catalog _catalog;
    private readonly ILogger<Silo> _logger;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IDisposable? _gauges;

    internal Silo(IEnumerable<ISiloLifecycleParticipant> participants, Runtime.Catalog.Catalog catalog, ILocalSiloDetails details, ILogger<Silo> logger)
    {
        _participants = participants.OrderBy(p => p.Stage).ToArray();
        _catalog = catalog;
        _logger = logger;
        Details = details;
    }

    public ILocalSiloDetails Details { get; }

    public SiloAddress SiloAddress => Details.SiloAddress;

    /// <summary>Completes once every component has started.</summary>
    public Task Started => _started.Task;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        GeneratedCodeRegistry.EnsureAllLoaded();
        _gauges = DerorTelemetry.RegisterSiloGauges(SiloAddress.ToString(), () => _catalog.Count, () => _catalog.QueuedRequestCount);
        foreach (var participant in _participants)
        {
            await participant.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        LogStarted(_logger, Details.SiloName, SiloAddress, Details.ClusterId);
        _started.TrySetResult();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        LogStopping(_logger, SiloAddress);
        // The gateway, reminders and jobs stop first so no new work arrives; then activations deactivate (their
        // OnDeactivateAsync may still call other grains); the core runtime services stop last.
        var deactivated = false;
        foreach (var participant in _participants.Reverse())
        {
            if (!deactivated && participant.Stage < SiloLifecycleStage.ApplicationServices)
            {
                await DeactivateAllAsync(cancellationToken).ConfigureAwait(false);
                deactivated = true;
            }
            try
            {
                await participant.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                LogParticipantStopFailed(_logger, e, participant.GetType().Name);
            }
        }
        if (!deactivated)
        {
            await DeactivateAllAsync(cancellationToken).ConfigureAwait(false);
        }
        _gauges?.Dispose();
        LogStopped(_logger, SiloAddress);
    }

    private async Task DeactivateAllAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _catalog.DeactivateAllAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            LogDeactivationIncomplete(_logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {SiloName} ({SiloAddress}) started in cluster '{ClusterId}'")]
    private static partial void LogStarted(ILogger logger, string siloName, SiloAddress siloAddress, string clusterId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {SiloAddress} stopping")]
    private static partial void LogStopping(ILogger logger, SiloAddress siloAddress);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {SiloAddress} stopped")]
    private static partial void LogStopped(ILogger logger, SiloAddress siloAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not every activation deactivated in time during shutdown: {Reason}")]
    private static partial void LogDeactivationIncomplete(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopping {Component} failed")]
    private static partial void LogParticipantStopFailed(ILogger logger, Exception exception, string component);
}
