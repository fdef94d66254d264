using Deror.Persistence.Sqlite;
using Deror.Persistence.Tests.Conformance;
using Deror.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Persistence.Tests.Sqlite;

public sealed class SqliteGrainStorageConformanceTests : GrainStorageConformanceTests, IDisposable
{
    private readonly TemporarySqliteFile _file = new();

    protected override IGrainStorage CreateStorage() => _file.Track(new SqliteGrainStorage(_file.Options, NullLoggerFactory.Instance));

    public void Dispose() => _file.Dispose();
}

public sealed class SqliteReminderTableConformanceTests : ReminderTableConformanceTests, IDisposable
{
    private readonly TemporarySqliteFile _file = new();

    protected override IReminderTable CreateTable() => _file.Track(new SqliteReminderTable(_file.Options, NullLoggerFactory.Instance));

    public void Dispose() => _file.Dispose();
}

public sealed class SqliteDurableJobStoreConformanceTests : DurableJobStoreConformanceTests, IDisposable
{
    private readonly TemporarySqliteFile _file = new();

    protected override IDurableJobStore CreateStore() => _file.Track(new SqliteDurableJobStore(_file.Options, NullLoggerFactory.Instance));

    public void Dispose() => _file.Dispose();
}

public sealed class SqliteMembershipTableConformanceTests : MembershipTableConformanceTests, IDisposable
{
    private readonly TemporarySqliteFile _file = new();

    protected override IMembershipTable CreateTable(string clusterId) => _file.Track(new SqliteMembershipTable(_file.Options, clusterId, NullLoggerFactory.Instance));

    public void Dispose() => _file.Dispose();
}

public sealed class SqliteGrainDirectoryConformanceTests : GrainDirectoryConformanceTests, IDisposable
{
    private readonly TemporarySqliteFile _file = new();

    protected override IGrainDirectory CreateDirectory(string clusterId) => _file.Track(new SqliteGrainDirectory(_file.Options, clusterId, NullLoggerFactory.Instance));

    public void Dispose() => _file.Dispose();
}

public sealed class SqliteEventLogStoreConformanceTests : EventLogStoreConformanceTests, IDisposable
{
    private readonly TemporarySqliteFile _file = new();

    protected override IEventLogStore CreateStore() => _file.Track(new SqliteEventLogStore(_file.Options, "cluster", NullLoggerFactory.Instance));

    public void Dispose() => _file.Dispose();
}
