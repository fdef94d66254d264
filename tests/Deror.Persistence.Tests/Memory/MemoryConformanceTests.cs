using Deror.Persistence.Tests.Conformance;
using Deror.Runtime;
using Deror.Runtime.Storage;

namespace Deror.Persistence.Tests.Memory;

public sealed class MemoryGrainStorageConformanceTests : GrainStorageConformanceTests
{
    protected override IGrainStorage CreateStorage() => new MemoryGrainStorage();
}

public sealed class MemoryReminderTableConformanceTests : ReminderTableConformanceTests
{
    protected override IReminderTable CreateTable() => new MemoryReminderTable();
}

public sealed class MemoryDurableJobStoreConformanceTests : DurableJobStoreConformanceTests
{
    protected override IDurableJobStore CreateStore() => new MemoryDurableJobStore();
}

public sealed class MemoryMembershipTableConformanceTests : MembershipTableConformanceTests
{
    private readonly InMemoryClusterStore _store = new();

    protected override IMembershipTable CreateTable(string clusterId) => _store.GetMembershipTable(clusterId);
}

public sealed class MemoryGrainDirectoryConformanceTests : GrainDirectoryConformanceTests
{
    private readonly InMemoryClusterStore _store = new();

    protected override IGrainDirectory CreateDirectory(string clusterId) => _store.GetGrainDirectory(clusterId);
}

public sealed class MemoryEventLogStoreConformanceTests : EventLogStoreConformanceTests
{
    protected override IEventLogStore CreateStore() => new MemoryEventLogStore();
}
