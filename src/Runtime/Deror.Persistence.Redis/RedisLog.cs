using Microsoft.Extensions.Logging;

namespace Deror.Persistence.Redis;

internal static partial class RedisLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to Redis at {Endpoints}")]
    public static partial void Connected(ILogger logger, string endpoints);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the Redis connection to {Endpoint} ({FailureType}); operations fail until it is restored")]
    public static partial void ConnectionFailed(ILogger logger, Exception? exception, string? endpoint, string failureType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored the Redis connection to {Endpoint}")]
    public static partial void ConnectionRestored(ILogger logger, string? endpoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Etag conflict on state '{StateName}' of grain {GrainId}: stored {StoredEtag}, expected {ExpectedEtag}")]
    public static partial void StateEtagConflict(ILogger logger, string stateName, GrainId grainId, string? storedEtag, string? expectedEtag);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Durable job {JobId} was not {Operation}: its etag no longer matches {Etag}")]
    public static partial void JobEtagConflict(ILogger logger, string jobId, string operation, string etag);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the membership table of cluster {ClusterId}")]
    public static partial void MembershipTableCreated(ILogger logger, string clusterId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Membership {Operation} of silo {Silo} rejected: the table version or the row changed since it was read")]
    public static partial void MembershipWriteRejected(ILogger logger, string operation, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IAmAlive of silo {Silo} ignored: the silo has no row in the membership table of cluster {ClusterId}")]
    public static partial void IAmAliveWithoutRow(ILogger logger, SiloAddress silo, string clusterId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} defunct silo rows from the membership table of cluster {ClusterId}")]
    public static partial void DefunctSilosRemoved(ILogger logger, int count, string clusterId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Activation {ActivationId} of grain {GrainId} lost registration to activation {WinnerId} on silo {WinnerSilo}")]
    public static partial void RegistrationLost(ILogger logger, ActivationId activationId, GrainId grainId, ActivationId winnerId, SiloAddress winnerSilo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} directory entries of dead silo {Silo}")]
    public static partial void SiloEntriesRemoved(ILogger logger, long count, SiloAddress silo);
}
