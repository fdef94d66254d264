using Deror.Grains;
using Microsoft.Extensions.Logging;

namespace Deror.Agent.Supervision;

/// <summary>An Exo this sidecar does not run (<c>Exo:Supervise</c> off): it is only probed, never started or stopped.</summary>
internal sealed partial class ExternalExo(ILogger<ExternalExo> logger) : IExoProcess
{
    public ExoProcessStatus Status => ExoProcessStatus.External;

    public int? Pid => null;

    public void ReportProbe(bool answered)
    {
    }

    public void RequestRestart(string reason) => LogNotManaged(logger, "restart", reason);

    public Task StopExoAsync(string reason, CancellationToken cancellationToken)
    {
        LogNotManaged(logger, "stop", reason);
        return Task.CompletedTask;
    }

    /// <summary>Whoever manages an external Exo keeps it running; there is nothing to start here.</summary>
    public void StartExo(string reason)
    {
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Exo is managed outside this sidecar; cannot {Action} it ({Reason})")]
    private static partial void LogNotManaged(ILogger logger, string action, string reason);
}
