using Deror.Persistence.Postgres;
using Deror.Persistence.Tests.Conformance;
using Deror.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Deror.Persistence.Tests.Postgres;

/// <summary>Schema creation on first use: safe to race, isolated per configured schema, refusing newer versions.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests : IDisposable
{
    private static readonly GrainId Grain = TestGrains.Create("schema");

    private readonly PostgresServerFixture _server;
    private readonly PostgresTestScope _scope;

    public PostgresSchemaTests(PostgresServerFixture server)
    {
        _server = server;
        _scope = new PostgresTestScope(server);
    }

    public void Dispose() => _scope.Dispose();

    [Fact]
    public async Task ProvidersRacingToUseAFreshSchemaAllSucceedAndCreateItOnce()
    {
        var options = _server.Options(FreshSchemaName());

        await TestGrains.RaceAsync(8, async i =>
        {
            if (i % 2 == 0)
            {
                var storage = _scope.Track(new PostgresGrainStorage(options, $"service-{i}", NullLoggerFactory.Instance));
                return await storage.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);
            }
            var membership = _scope.Track(new PostgresMembershipTable(options, $"cluster-{i}", NullLoggerFactory.Instance));
            await membership.InitializeAsync();
            return (await membership.ReadAllAsync()).Version.ETag;
        });

        Assert.Equal(PostgresSchema.CurrentVersion, await ScalarAsync<int>($"SELECT version FROM {options.Schema}.deror_schema;"));
    }

    [Fact]
    public async Task SchemasKeepTheirDataApart()
    {
        var first = _scope.Track(new PostgresGrainStorage(_server.Options(FreshSchemaName()), _scope.Id, NullLoggerFactory.Instance));
        var second = _scope.Track(new PostgresGrainStorage(_server.Options(FreshSchemaName()), _scope.Id, NullLoggerFactory.Instance));

        await first.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);

        Assert.Null(await second.ReadAsync("state", Grain));
    }

    [Fact]
    public async Task ASchemaFromANewerBuildIsRefused()
    {
        var options = _server.Options(FreshSchemaName());
        var current = _scope.Track(new PostgresGrainStorage(options, _scope.Id, NullLoggerFactory.Instance));
        await current.ReadAsync("state", Grain);
        await ScalarAsync<int>($"UPDATE {options.Schema}.deror_schema SET version = 99 RETURNING version;");

        var older = _scope.Track(new PostgresGrainStorage(options, _scope.Id, NullLoggerFactory.Instance));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => older.ReadAsync("state", Grain));

        Assert.Contains("99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVersionOneSchemaIsUpgradedKeepingItsData()
    {
        var options = _server.Options(FreshSchemaName());
        var storage = _scope.Track(new PostgresGrainStorage(options, _scope.Id, NullLoggerFactory.Instance));
        await storage.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);
        await ScalarAsync<int>($"DROP TABLE {options.Schema}.deror_events; DROP TABLE {options.Schema}.deror_event_streams; UPDATE {options.Schema}.deror_schema SET version = 1 RETURNING version;");

        var events = _scope.Track(new PostgresEventLogStore(options, _scope.Id, NullLoggerFactory.Instance));

        Assert.Equal(1, await events.AppendAsync("tasks", [new NewEvent("e", "s", DateTimeOffset.UnixEpoch, "{}")]));
        Assert.Equal(PostgresSchema.CurrentVersion, await ScalarAsync<int>($"SELECT version FROM {options.Schema}.deror_schema;"));
        Assert.NotNull(await storage.ReadAsync("state", Grain));
    }

    private static string FreshSchemaName() => $"schema_{Guid.NewGuid():N}";

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
