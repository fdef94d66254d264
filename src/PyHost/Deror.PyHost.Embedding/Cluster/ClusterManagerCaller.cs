using Deror.Client;

namespace Deror.PyHost.Cluster;

/// <summary>
/// Behind the Python <c>deror.ClusterManager</c>: calls a method of the .NET <see cref="ClusterManager"/> facade for
/// a cluster, or of a <see cref="TaskHandle"/> when a task id is given, by name with JSON arguments.
/// </summary>
internal sealed class ClusterManagerCaller(ClusterConnection connection, JsonMethodInvoker invoker)
{
    public async Task<string?> CallAsync(string clusterId, string? taskId, string method, string argumentsJson, CancellationToken cancellationToken)
    {
        var client = await connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        // Both are thin views over the client's grain factory: creating one per call costs nothing.
        var manager = new ClusterManager(client, clusterId);
        return taskId is null
            ? await invoker.InvokeAsync(manager, typeof(ClusterManager), method, argumentsJson, cancellationToken).ConfigureAwait(false)
            : await invoker.InvokeAsync(manager.GetTask(taskId), typeof(TaskHandle), method, argumentsJson, cancellationToken).ConfigureAwait(false);
    }
}
