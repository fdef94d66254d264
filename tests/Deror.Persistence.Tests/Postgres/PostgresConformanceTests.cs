using Deror.Persistence.Postgres;
using Deror.Persistence.Tests.Conformance;
using Deror.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Persistence.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresGrainStorageConformanceTests : GrainStorageConformanceTests, IDisposable
{
    private readonly PostgresTestScope _scope;

    public PostgresGrainStorageConformanceTests(PostgresServerFixture server) => _scope = new PostgresTestScope(server);

    protected override IGrainStorage CreateStorage() => _scope.Track(new PostgresGrainStorage(_scope.Options, _scope.Id, NullLoggerFactory.Instance));

    public void Dispose() => _scope.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresReminderTableConformanceTests : ReminderTableConformanceTests, IDisposable
{
    private readonly PostgresTestScope _scope;

    public PostgresReminderTableConformanceTests(PostgresServerFixture server) => _scope = new PostgresTestScope(server);

    protected override IReminderTable CreateTable() => _scope.Track(new PostgresReminderTable(_scope.Options, _scope.Id, NullLoggerFactory.Instance));

    public void Dispose() => _scope.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDurableJobStoreConformanceTests : DurableJobStoreConformanceTests, IDisposable
{
    private readonly PostgresTestScope _scope;

    public PostgresDurableJobStoreConformanceTests(PostgresServerFixture server) => _scope = new PostgresTestScope(server);

    protected override IDurableJobStore CreateStore() => _scope.Track(new PostgresDurableJobStore(_scope.Options, _scope.Id, NullLoggerFactory.Instance));

    public void Dispose() => _scope.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresMembershipTableConformanceTests : MembershipTableConformanceTests, IDisposable
{
    private readonly PostgresTestScope _scope;

    public PostgresMembershipTableConformanceTests(PostgresServerFixture server) => _scope = new PostgresTestScope(server);

    protected override IMembershipTable CreateTable(string clusterId)
        => _scope.Track(new PostgresMembershipTable(_scope.Options, $"{_scope.Id}-{clusterId}", NullLoggerFactory.Instance));

    public void Dispose() => _scope.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresGrainDirectoryConformanceTests : GrainDirectoryConformanceTests, IDisposable
{
    private readonly PostgresTestScope _scope;

    public PostgresGrainDirectoryConformanceTests(PostgresServerFixture server) => _scope = new PostgresTestScope(server);

    protected override IGrainDirectory CreateDirectory(string clusterId)
        => _scope.Track(new PostgresGrainDirectory(_scope.Options, $"{_scope.Id}-{clusterId}", NullLoggerFactory.Instance));

    public void Dispose() => _scope.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresEventLogStoreConformanceTests : EventLogStoreConformanceTests, IDisposable
{
    private readonly PostgresTestScope _scope;

    public PostgresEventLogStoreConformanceTests(PostgresServerFixture server) => _scope = new PostgresTestScope(server);

    protected override IEventLogStore CreateStore() => _scope.Track(new PostgresEventLogStore(_scope.Options, _scope.Id, NullLoggerFactory.Instance));

    public void Dispose() => _scope.Dispose();
}
