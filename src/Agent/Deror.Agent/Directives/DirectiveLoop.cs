using Deror.Grains;
using Microsoft.Extensions.Logging;

namespace Deror.Agent.Directives;

/// <summary>
/// Long-polls the node grain for directive changes, so new tasks, cancellations and drains reach the node at once
/// instead of at the next heartbeat. Call failures are retried with backoff; the loop ends only with the agent.
/// </summary>
internal sealed partial class DirectiveLoop(INodeGrain node, NodeController controller, GrainRetry retry, TimeSpan maxWait, ILogger logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var version = 0L;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var directive = await retry.CallAsync("Waiting for a directive", () => node.WaitForDirective(version, maxWait), cancellationToken).ConfigureAwait(false);
                controller.Apply(directive);
                version = directive.Version;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(logger, e.Message, maxWait.TotalSeconds);
                await Task.Delay(maxWait, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The node grain rejected a directive wait ({Error}); trying again in {Seconds:0} s")]
    private static partial void LogFailed(ILogger logger, string error, double seconds);
}
