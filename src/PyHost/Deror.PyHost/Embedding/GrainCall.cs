using System.Globalization;
using Deror.PyHost.Cluster;

namespace Deror.PyHost.Embedding;

/// <summary>One grain call as Python asked for it, with its optional time limit.</summary>
internal readonly record struct GrainCall(string Interface, string Key, string Method, string ArgumentsJson, TimeSpan? Timeout)
{
    public Task<string?> RunAsync(GrainCaller grains, CancellationToken cancellationToken)
        => Timeout is { } timeout
            ? RunAsync(grains, timeout, cancellationToken)
            : grains.CallAsync(Interface, Key, Method, ArgumentsJson, cancellationToken);

    private async Task<string?> RunAsync(GrainCaller grains, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var call = grains.CallAsync(Interface, Key, Method, ArgumentsJson, limited.Token);
        try
        {
            return await call.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!call.IsCompleted)
        {
            await limited.CancelAsync().ConfigureAwait(false);
            _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"{Interface}.{Method} on '{Key}' did not complete within {timeout.TotalSeconds:0.###} s."));
        }
    }
}
