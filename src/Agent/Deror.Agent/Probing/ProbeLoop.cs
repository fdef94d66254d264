using Deror.Agent.Directives;
using Deror.Grains;
using Microsoft.Extensions.Logging;

namespace Deror.Agent.Probing;

/// <summary>
/// Every probe period: probe the local Exo, send the observation to the node grain as a heartbeat, and act on the
/// directive it answers with. A failed heartbeat is logged once per streak and the loop carries on: the grain marks
/// the node Unreachable if the silence lasts.
/// </summary>
internal sealed partial class ProbeLoop(ExoObserver observer, INodeGrain node, NodeController controller, TaskReconciler reconciler, string silo, TimeSpan period, ILogger logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(period);
        var failures = 0;
        do
        {
            try
            {
                var observation = await observer.ObserveAsync(silo, reconciler.RunningTasks, controller.AcceptingTasks, cancellationToken).ConfigureAwait(false);
                var directive = await node.Heartbeat(observation).WaitAsync(cancellationToken).ConfigureAwait(false);
                controller.Apply(directive);
                if (failures > 0)
                {
                    LogHeartbeatRecovered(logger, failures);
                }
                failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (failures++ == 0)
                {
                    LogHeartbeatFailed(logger, e.Message);
                }
            }
        }
        while (await NextTickAsync(timer, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat failed (retrying every probe period): {Error}")]
    private static partial void LogHeartbeatFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Heartbeats get through again after {Failures} failures")]
    private static partial void LogHeartbeatRecovered(ILogger logger, int failures);
}
