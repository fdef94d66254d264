using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Deror.Silo;

/// <summary>Logs once, at start, which data file this silo uses, so operators know what to back up or delete.</summary>
internal sealed partial class StorageAnnouncer(string databasePath, ILogger<StorageAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogDataFile(logger, databasePath);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain state, reminders and jobs are stored in {DatabasePath}")]
    private static partial void LogDataFile(ILogger logger, string databasePath);
}
