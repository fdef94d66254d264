using Microsoft.Extensions.Hosting;

namespace Deror.Client;

/// <summary>
/// The lifetime of a client host embedded in someone else's process (a tool, a script host, a notebook kernel): it
/// leaves Ctrl-C and SIGTERM to that process. The default console lifetime would take them over and swallow them.
/// </summary>
internal sealed class EmbeddedClientLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
