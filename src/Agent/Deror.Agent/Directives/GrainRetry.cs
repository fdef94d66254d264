using Deror.Grains;
using Microsoft.Extensions.Logging;

namespace Deror.Agent.Directives;

/// <summary>
/// Grain calls from the agent, retried through silo and cluster hiccups (timeouts, lost connections, a grain
/// moving) with a doubling, capped delay until they succeed or the agent stops. A domain error (the grain
/// rejected the call) is not a hiccup and is thrown at once.
/// </summary>
internal sealed partial class GrainRetry(TimeSpan initialDelay, TimeSpan maxDelay, ILogger logger)
{
    public static bool IsRejection(Exception e) =>
        e is InvalidStateException or TaskNotFoundException or NodeNotFoundException or InvalidSpecException or ArgumentException;

    public async Task<T> CallAsync<T>(string what, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var delay = initialDelay;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await call().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!IsRejection(e) && !cancellationToken.IsCancellationRequested)
            {
                LogRetrying(logger, what, attempt, delay.TotalMilliseconds, e.Message);
            }
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(maxDelay.Ticks, delay.Ticks * 2));
        }
    }

    public Task CallAsync(string what, Func<Task> call, CancellationToken cancellationToken) =>
        CallAsync(what, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What} failed (attempt {Attempt}), retrying in {DelayMs:0} ms: {Error}")]
    private static partial void LogRetrying(ILogger logger, string what, int attempt, double delayMs, string error);
}
