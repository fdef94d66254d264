using Deror.Testing.Servers;
using Deror.Persistence.Redis;
using Deror.Persistence.Tests.Conformance;
using Deror.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Persistence.Tests.Redis;

public sealed class RedisGrainStorageConformanceTests : GrainStorageConformanceTests
{
    protected override IGrainStorage CreateStorage()
        => new RedisGrainStorage(RedisServerFixture.Shared.Connection, RedisServerFixture.UniqueId(), NullLoggerFactory.Instance);
}

public sealed class RedisReminderTableConformanceTests : ReminderTableConformanceTests
{
    protected override IReminderTable CreateTable()
        => new RedisReminderTable(RedisServerFixture.Shared.Connection, RedisServerFixture.UniqueId());
}

public sealed class RedisDurableJobStoreConformanceTests : DurableJobStoreConformanceTests
{
    protected override IDurableJobStore CreateStore()
        => new RedisDurableJobStore(RedisServerFixture.Shared.Connection, RedisServerFixture.UniqueId(), NullLoggerFactory.Instance);
}

public sealed class RedisMembershipTableConformanceTests : MembershipTableConformanceTests
{
    // xunit creates a class instance per test: the scope makes each test's clusters its own.
    private readonly string _scope = RedisServerFixture.UniqueId();

    protected override IMembershipTable CreateTable(string clusterId)
        => new RedisMembershipTable(RedisServerFixture.Shared.Connection, $"{_scope}-{clusterId}", NullLoggerFactory.Instance);
}

public sealed class RedisGrainDirectoryConformanceTests : GrainDirectoryConformanceTests
{
    private readonly string _scope = RedisServerFixture.UniqueId();

    protected override IGrainDirectory CreateDirectory(string clusterId)
        => new RedisGrainDirectory(RedisServerFixture.Shared.Connection, $"{_scope}-{clusterId}", NullLoggerFactory.Instance);
}

public sealed class RedisEventLogStoreConformanceTests : EventLogStoreConformanceTests, IDisposable
{
    private RedisEventLogStore? _store;

    protected override IEventLogStore CreateStore()
        => _store = new RedisEventLogStore(RedisServerFixture.Shared.Connection, RedisServerFixture.UniqueId(), NullLoggerFactory.Instance);

    public void Dispose() => _store?.Dispose();
}
