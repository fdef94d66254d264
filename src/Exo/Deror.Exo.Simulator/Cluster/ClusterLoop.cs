using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Deror.Exo.Simulator.Cluster;

/// <summary>Ticks the node's cluster view every <see cref="ExoSimOptions.TickInterval"/>.</summary>
internal sealed class ClusterLoop(ClusterNode node, ILogger<ClusterLoop> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(node.Options.TickInterval);
        do
        {
            try
            {
                await node.TickAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.TickFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
