using Deror.Runtime;
using Microsoft.Extensions.Logging;

namespace Deror.Persistence.Postgres;

internal static partial class PostgresLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Created Deror storage schema version {Version} in PostgreSQL schema '{Schema}' of database '{Database}'")]
    public static partial void SchemaCreated(ILogger logger, string schema, string? database, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upgraded Deror storage schema in PostgreSQL schema '{Schema}' of database '{Database}' from version {FromVersion} to {ToVersion}")]
    public static partial void SchemaUpgraded(ILogger logger, string schema, string? database, int fromVersion, int toVersion);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Etag conflict on state '{StateName}' of grain {GrainId}: stored {StoredEtag}, expected {ExpectedEtag}")]
    public static partial void StateEtagConflict(ILogger logger, string stateName, GrainId grainId, string? storedEtag, string? expectedEtag);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Durable job {JobId} was not {Operation}: its etag no longer matches {Etag}")]
    public static partial void JobEtagConflict(ILogger logger, string jobId, string operation, string etag);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Membership {Operation} of silo {Silo} in cluster '{ClusterId}' lost: the table version or row etag changed")]
    public static partial void MembershipWriteConflict(ILogger logger, string operation, SiloAddress silo, string clusterId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} defunct silo rows from cluster '{ClusterId}'")]
    public static partial void DefunctSilosRemoved(ILogger logger, int count, string clusterId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Activation {ActivationId} of grain {GrainId} lost its directory registration to activation {WinnerActivationId} on silo {WinnerSilo}")]
    public static partial void DirectoryRegistrationLost(ILogger logger, GrainId grainId, ActivationId activationId, ActivationId winnerActivationId, SiloAddress winnerSilo);
}
