using Microsoft.Extensions.Logging;

namespace Deror.Persistence.Sqlite;

internal static partial class SqliteLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Created Deror storage schema version {Version} in SQLite database {DataSource}")]
    public static partial void SchemaCreated(ILogger logger, string dataSource, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite database {DataSource} runs in journal mode '{JournalMode}' instead of WAL; writers will block readers in other processes")]
    public static partial void JournalModeNotWal(ILogger logger, string dataSource, string? journalMode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Etag conflict on state '{StateName}' of grain {GrainId}: stored {StoredEtag}, expected {ExpectedEtag}")]
    public static partial void StateEtagConflict(ILogger logger, string stateName, GrainId grainId, string? storedEtag, string? expectedEtag);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Durable job {JobId} was not {Operation}: its etag no longer matches {Etag}")]
    public static partial void JobEtagConflict(ILogger logger, string jobId, string operation, string etag);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upgraded Deror storage schema in SQLite database {DataSource} from version {FromVersion} to {ToVersion}")]
    public static partial void SchemaUpgraded(ILogger logger, string dataSource, long fromVersion, int toVersion);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Membership row of silo {Silo} in cluster {ClusterId} was not {Operation}: the version etag {VersionEtag} or the row is stale")]
    public static partial void MembershipWriteConflict(ILogger logger, string clusterId, SiloAddress silo, string operation, string versionEtag);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Grain {GrainId} in cluster {ClusterId} stays registered to activation {ExistingActivation} on {ExistingSilo}; {RejectedActivation} lost")]
    public static partial void GrainRegistrationLost(ILogger logger, string clusterId, GrainId grainId, ActivationId existingActivation, SiloAddress existingSilo, ActivationId rejectedActivation);
}
