using Deror.Configuration;
using Deror.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Runtime.Catalog;

/// <summary>Periodically deactivates activations that have been idle longer than their collection age.</summary>
internal sealed partial class ActivationCollector(
    Catalog catalog,
    TimeProvider clock,
    IOptions<GrainCollectionOptions> options,
    ILogger<ActivationCollector> logger) : ISiloLifecycleParticipant, IDisposable
{
    private ITimer? _timer;

    public int Stage => SiloLifecycleStage.RuntimeServices;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var quantum = options.Value.CollectionQuantum;
        _timer = clock.CreateTimer(_ => Collect(), null, quantum, quantum);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    private void Collect()
    {
        var count = catalog.CollectIdleActivations();
        if (count > 0)
        {
            LogCollected(logger, count);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Collecting {Count} idle activation(s)")]
    private static partial void LogCollected(ILogger logger, int count);
}
