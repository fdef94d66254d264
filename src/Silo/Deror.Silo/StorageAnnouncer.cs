using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Deror.Silo;

/// <summary>Logs once, at start, which store this silo uses, so operators know what to back up or delete.</summary>
internal sealed partial class StorageAnnouncer(string store, ILogger<StorageAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogDataFile(logger, store);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain state, reminders, jobs and membership are kept in {Store}")]
    private static partial void LogDataFile(ILogger logger, string store);
}
