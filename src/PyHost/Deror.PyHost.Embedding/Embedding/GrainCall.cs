using System.Globalization;
using Deror.PyHost.Cluster;

namespace Deror.PyHost.Embedding;

/// <summary>
/// One call as Python asked for it, with its optional time limit: a grain method (<see cref="Interface"/> and
/// <see cref="Key"/>), or with <see cref="Interface"/> null a ClusterManager method (cluster id in <see cref="Key"/>,
/// <see cref="TaskId"/> for a task's).
/// </summary>
internal readonly record struct GrainCall(string? Interface, string Key, string? TaskId, string Method, string ArgumentsJson, TimeSpan? Timeout)
{
    public Task<string?> RunAsync(DerorModuleServices services, CancellationToken cancellationToken)
        => Timeout is { } timeout ? RunAsync(services, timeout, cancellationToken) : Start(services, cancellationToken);

    private Task<string?> Start(DerorModuleServices services, CancellationToken cancellationToken)
        => Interface is null
            ? services.Managers.CallAsync(Key, TaskId, Method, ArgumentsJson, cancellationToken)
            : services.Grains.CallAsync(Interface, Key, Method, ArgumentsJson, cancellationToken);

    private async Task<string?> RunAsync(DerorModuleServices services, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var call = Start(services, limited.Token);
        try
        {
            return await call.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!call.IsCompleted)
        {
            await limited.CancelAsync().ConfigureAwait(false);
            _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"{Interface ?? "ClusterManager"}.{Method} on '{TaskId ?? Key}' did not complete within {timeout.TotalSeconds:0.###} s."));
        }
    }
}
