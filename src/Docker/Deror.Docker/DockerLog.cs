using Microsoft.Extensions.Logging;

namespace Deror.Docker;

internal static partial class DockerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Speaking Docker Engine API {ApiVersion} to engine {EngineVersion} at unix://{SocketPath} (it serves {MinApiVersion} to {MaxApiVersion})")]
    public static partial void ApiVersionNegotiated(ILogger logger, DockerApiVersion apiVersion, string engineVersion, string socketPath, DockerApiVersion minApiVersion, DockerApiVersion maxApiVersion);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Created container {ContainerId} from image {Image}")]
    public static partial void ContainerCreated(ILogger logger, string containerId, string image);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The engine warned creating container {ContainerId}: {Warning}")]
    public static partial void CreateWarning(ILogger logger, string containerId, string warning);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Started container {ContainerId}")]
    public static partial void ContainerStarted(ILogger logger, string containerId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sent {Signal} to container {ContainerId}")]
    public static partial void ContainerSignalled(ILogger logger, string containerId, string signal);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Removed container {ContainerId}")]
    public static partial void ContainerRemoved(ILogger logger, string containerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove container {ContainerId} after its run failed")]
    public static partial void CleanupFailed(ILogger logger, Exception exception, string containerId);
}
