using Deror.Persistence.Postgres;
using Deror.Persistence.Redis;
using Deror.Persistence.Sqlite;
using Deror.Testing.Servers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Runtime.Tests.Clustering;

public sealed class SqliteProcessFaultTests : ProcessFaultTests
{
    private readonly List<SqliteMembershipTable> _tables = [];

    private string DatabasePath => Path.Combine(WorkingDirectory, "cluster.db");

    protected override IEnumerable<string> StoreArguments => [$"--Deror:Storage:SqlitePath={DatabasePath}"];

    protected override IMembershipTable OpenMembershipTable()
    {
        var table = new SqliteMembershipTable(new SqliteStorageOptions { DatabasePath = DatabasePath }, ClusterId, NullLoggerFactory.Instance);
        _tables.Add(table);
        return table;
    }

    public override void Dispose()
    {
        foreach (var table in _tables)
        {
            table.Dispose();
        }
        base.Dispose();
    }
}

public sealed class RedisProcessFaultTests : ProcessFaultTests
{
    protected override IEnumerable<string> StoreArguments
        => ["--Deror:Storage:Provider=Redis", $"--Deror:Storage:ConnectionString={RedisServerFixture.Shared.Configuration}"];

    protected override IMembershipTable OpenMembershipTable()
        => new RedisMembershipTable(RedisServerFixture.Shared.Connection, ClusterId, NullLoggerFactory.Instance);

    [Fact]
    public Task A_Redis_restart_declares_nobody_dead_and_writes_resume()
        => AssertAStoreRestartIsSurvivedAsync(RedisServerFixture.Shared.Restart);
}

public sealed class PostgresProcessFaultTests(PostgresProcessFaultTests.Server server) : ProcessFaultTests, IClassFixture<PostgresProcessFaultTests.Server>
{
    protected override IEnumerable<string> StoreArguments
        => ["--Deror:Storage:Provider=Postgres", $"--Deror:Storage:ConnectionString={server.ConnectionString}"];

    protected override IMembershipTable OpenMembershipTable()
        => new PostgresMembershipTable(new PostgresStorageOptions { ConnectionString = server.ConnectionString }, ClusterId, NullLoggerFactory.Instance);

    [Fact]
    public Task A_PostgreSQL_restart_declares_nobody_dead_and_writes_resume()
        => AssertAStoreRestartIsSurvivedAsync(server.Instance.Restart);

    /// <summary>One private PostgreSQL for this class's tests.</summary>
    public sealed class Server : IDisposable
    {
        public Server()
        {
            Instance = PostgresServer.StartNew();
            ConnectionString = Instance.EnsureDatabase("deror");
        }

        public PostgresServer Instance { get; }

        public string ConnectionString { get; }

        public void Dispose() => Instance.Dispose();
    }
}
