using Deror.Agent.Supervision;
using Deror.Exo;
using Deror.Exo.Health;
using Microsoft.Extensions.Logging;

namespace Deror.Agent.Directives;

/// <summary>
/// Takes this node out of the Exo cluster with Exo's real API only: its node id, the instances with a runner on it,
/// a bounded wait until their inference tasks are idle, DELETE of those instances, then a graceful stop of Exo.
/// Placing the models on the remaining nodes again is the cluster grain's job (desired placements).
/// </summary>
internal sealed partial class ExoDrain(ExoClient exo, IExoProcess process, DrainOptions options, ILogger logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string nodeId;
        try
        {
            nodeId = await exo.GetNodeIdAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ExoException e)
        {
            LogExoSilent(logger, e.Message);
            await process.StopExoAsync("drain", cancellationToken).ConfigureAwait(false);
            return;
        }

        var instances = (await exo.GetStateAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).InstancesUsingNode(nodeId).Select(i => i.InstanceId).ToArray();
        await WaitForIdleAsync(instances, cancellationToken).ConfigureAwait(false);
        foreach (var instance in instances)
        {
            try
            {
                await exo.DeleteInstanceAsync(instance, cancellationToken: cancellationToken).ConfigureAwait(false);
                LogDeleted(logger, instance, nodeId);
            }
            catch (ExoApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Gone already (a master change wipes instances): nothing to delete.
            }
        }
        await process.StopExoAsync("drain", cancellationToken).ConfigureAwait(false);
    }

    private async Task WaitForIdleAsync(string[] instances, CancellationToken cancellationToken)
    {
        if (instances.Length == 0)
        {
            return;
        }
        var deadline = DateTimeOffset.UtcNow + options.InferenceIdleTimeout;
        while (true)
        {
            var active = (await exo.GetStateAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).ActiveTasksOf(instances).Count;
            if (active == 0)
            {
                return;
            }
            if (DateTimeOffset.UtcNow >= deadline)
            {
                LogIdleTimeout(logger, active, options.InferenceIdleTimeout.TotalSeconds);
                return;
            }
            await Task.Delay(options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drain: Exo does not answer ({Error}); nothing to hand over, stopping it")]
    private static partial void LogExoSilent(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drain: deleted instance {InstanceId} (it used node {NodeId})")]
    private static partial void LogDeleted(ILogger logger, string instanceId, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drain: {Active} inference tasks still active after {Seconds:0} s; deleting their instances anyway")]
    private static partial void LogIdleTimeout(ILogger logger, int active, double seconds);
}
