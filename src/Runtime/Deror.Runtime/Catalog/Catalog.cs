using System.Collections.Concurrent;
using Deror.Messaging;
using Microsoft.Extensions.Logging;

namespace Deror.Runtime.Catalog;

/// <summary>
/// The activations living on this silo, by grain id. A message for a grain without an activation creates one;
/// an activation that is gone hands its late messages back here to be routed to its successor.
/// </summary>
internal sealed partial class Catalog(GrainRuntime runtime, GrainTypeManifest manifest, ILogger<Catalog> logger)
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private readonly ConcurrentDictionary<GrainId, StatelessWorkerPool> _workers = new();
    private volatile bool _stopping;

    public int Count => _activations.Count + _workers.Values.Sum(p => p.Count);

    public int QueuedRequestCount => Activations.Sum(a => a.WaitingCount);

    public IEnumerable<ActivationData> Activations => _activations.Values.Concat(_workers.Values.SelectMany(p => p.Workers));

    public bool TryGetActivation(GrainId grainId, out ActivationData activation) => _activations.TryGetValue(grainId, out activation!);

    /// <summary>Stateless workers are activated wherever they are called and never looked up in the directory.</summary>
    public bool IsLocalOnly(GrainId grainId) => manifest.TryGetClass(grainId.Type, out var grainClass) && grainClass.IsStatelessWorker;

    /// <summary>Delivers a request (or one-way message) to the grain's activation, creating it if needed.</summary>
    public void ReceiveMessage(Message message)
    {
        if (manifest.TryGetClass(message.TargetGrain.Type, out var workerClass) && workerClass.IsStatelessWorker)
        {
            ReceiveWorkerMessage(message, workerClass);
            return;
        }
        while (true)
        {
            if (!_activations.TryGetValue(message.TargetGrain, out var activation))
            {
                if (!manifest.TryGetClass(message.TargetGrain.Type, out var grainClass))
                {
                    runtime.MessageCenter.Reject(message, new DerorException(
                        $"No grain class for grain type '{message.TargetGrain.Type}' is registered on silo {runtime.SiloAddress} (target {message.TargetGrain})."));
                    return;
                }
                if (_stopping)
                {
                    runtime.MessageCenter.Reject(message, new DerorMessageDeliveryException($"Silo {runtime.SiloAddress} is shutting down."));
                    return;
                }
                var created = new ActivationData(message.TargetGrain, grainClass, runtime);
                activation = _activations.GetOrAdd(message.TargetGrain, created);
                if (ReferenceEquals(activation, created))
                {
                    LogActivating(logger, message.TargetGrain);
                    created.Activate();
                }
            }
            if (activation.TryEnqueue(message))
            {
                return;
            }
            // That activation just finished deactivating; route to its successor.
            _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));
        }
    }

    public void OnDeactivated(ActivationData activation)
    {
        if (activation.GrainClass.IsStatelessWorker)
        {
            if (_workers.TryGetValue(activation.GrainId, out var pool))
            {
                pool.Remove(activation);
            }
            return;
        }
        _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));
    }

    private void ReceiveWorkerMessage(Message message, GrainClassInfo grainClass)
    {
        if (_stopping)
        {
            runtime.MessageCenter.Reject(message, new DerorMessageDeliveryException($"Silo {runtime.SiloAddress} is shutting down."));
            return;
        }
        var pool = _workers.GetOrAdd(message.TargetGrain, _ => new StatelessWorkerPool(grainClass.MaxLocalWorkers!.Value));
        while (true)
        {
            var worker = pool.Choose(() =>
            {
                var created = new ActivationData(message.TargetGrain, grainClass, runtime);
                LogActivating(logger, message.TargetGrain);
                return created;
            }, out var isNew);
            if (isNew)
            {
                worker.Activate();
            }
            if (worker.TryEnqueue(message))
            {
                return;
            }
            pool.Remove(worker);
        }
    }

    /// <summary>Deactivates activations idle for longer than their collection age; returns how many.</summary>
    public int CollectIdleActivations()
    {
        var collected = 0;
        foreach (var activation in Activations)
        {
            if (activation.IsIdleFor(activation.GrainClass.CollectionAge ?? runtime.CollectionOptions.CollectionAge))
            {
                activation.Deactivate(new(DeactivationReasonCode.ActivationIdle, "Idle longer than its collection age."));
                collected++;
            }
        }
        return collected;
    }

    /// <summary>Refuses new activations and deactivates all current ones (OnDeactivateAsync runs), waiting up to the deactivation timeout.</summary>
    public async Task DeactivateAllAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var activations = Activations.ToArray();
        foreach (var activation in activations)
        {
            activation.Deactivate(new(DeactivationReasonCode.ShuttingDown, "The silo is shutting down."));
        }
        var all = Task.WhenAll(activations.Select(a => a.Deactivated));
        await all.WaitAsync(runtime.CollectionOptions.DeactivationTimeout, runtime.Clock, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Activating {GrainId}")]
    private static partial void LogActivating(ILogger logger, GrainId grainId);
}
