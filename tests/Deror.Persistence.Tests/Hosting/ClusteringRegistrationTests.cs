using Deror.Configuration;
using Deror.Hosting;
using Deror.Persistence.Sqlite;
using Deror.Persistence.Tests.Conformance;
using Deror.Persistence.Tests.Sqlite;
using Deror.Runtime;
using Deror.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Deror.Persistence.Tests.Hosting;

/// <summary>
/// How a silo gets its cluster store: the membership table and grain directory of its own cluster id, shared with
/// the other silos that use the same store (in-memory store object or SQLite file).
/// </summary>
public sealed class ClusteringRegistrationTests : IDisposable
{
    private static readonly SiloAddress Silo = TestSilos.Address(11111);

    private readonly TemporarySqliteFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public void SilosGivenOneInMemoryStoreShareTheirClustersTableAndDirectory()
    {
        var store = new InMemoryClusterStore();
        using var first = BuildSilo("orders", silo => silo.UseInMemoryClustering(store));
        using var second = BuildSilo("orders", silo => silo.UseInMemoryClustering(store));
        using var otherCluster = BuildSilo("billing", silo => silo.UseInMemoryClustering(store));
        using var otherStore = BuildSilo("orders", silo => silo.UseInMemoryClustering(new InMemoryClusterStore()));

        Assert.IsType<MemoryMembershipTable>(first.GetRequiredService<IMembershipTable>());
        Assert.Same(first.GetRequiredService<IMembershipTable>(), second.GetRequiredService<IMembershipTable>());
        Assert.Same(first.GetRequiredService<IGrainDirectory>(), second.GetRequiredService<IGrainDirectory>());
        Assert.NotSame(first.GetRequiredService<IMembershipTable>(), otherCluster.GetRequiredService<IMembershipTable>());
        Assert.NotSame(first.GetRequiredService<IGrainDirectory>(), otherCluster.GetRequiredService<IGrainDirectory>());
        Assert.NotSame(first.GetRequiredService<IMembershipTable>(), otherStore.GetRequiredService<IMembershipTable>());
    }

    [Fact]
    public void SilosGivenNoStoreShareTheProcessWideDefault()
    {
        var clusterId = $"default-{Guid.NewGuid():N}";
        using var first = BuildSilo(clusterId, silo => silo.UseInMemoryClustering());
        using var second = BuildSilo(clusterId, silo => silo.UseInMemoryClustering());

        Assert.Same(InMemoryClusterStore.Default.GetMembershipTable(clusterId), first.GetRequiredService<IMembershipTable>());
        Assert.Same(first.GetRequiredService<IMembershipTable>(), second.GetRequiredService<IMembershipTable>());
        Assert.Same(InMemoryClusterStore.Default.GetGrainDirectory(clusterId), second.GetRequiredService<IGrainDirectory>());
    }

    [Fact]
    public async Task UseSqliteStorageKeepsTheSilosClusterInTheFile()
    {
        using var services = BuildSilo("orders", silo => silo.UseSqliteStorage(_file.Path));
        services.GetRequiredService<IStartupValidator>().Validate();
        var table = Assert.IsType<SqliteMembershipTable>(services.GetRequiredService<IMembershipTable>());
        var directory = Assert.IsType<SqliteGrainDirectory>(services.GetRequiredService<IGrainDirectory>());
        await table.InitializeAsync();
        Assert.True(await table.InsertRowAsync(TestSilos.Entry(Silo), (await table.ReadAllAsync()).Version.Next()));
        var grain = TestGrains.Create("registration");
        await directory.RegisterAsync(new GrainAddress(grain, ActivationId.NewId(), Silo, 1), previousAddress: null);

        Assert.NotNull((await _file.Track(new SqliteMembershipTable(_file.Options, "orders", NullLoggerFactory.Instance)).ReadAllAsync()).Find(Silo));
        Assert.Empty((await _file.Track(new SqliteMembershipTable(_file.Options, "billing", NullLoggerFactory.Instance)).ReadAllAsync()).Rows);
        Assert.NotNull(await _file.Track(new SqliteGrainDirectory(_file.Options, "orders", NullLoggerFactory.Instance)).LookupAsync(grain));
    }

    [Fact]
    public void UseSqliteClusteringReplacesAnEarlierStoreAndValidatesItsOptions()
    {
        using var services = BuildSilo("orders", silo => silo.UseInMemoryClustering().UseSqliteClustering(options => options.DatabasePath = _file.Path));
        using var withoutPath = BuildSilo("orders", silo => silo.UseSqliteClustering(_ => { }));

        Assert.IsType<SqliteGrainDirectory>(Assert.Single(services.GetServices<IGrainDirectory>()));
        Assert.IsType<SqliteMembershipTable>(Assert.Single(services.GetServices<IMembershipTable>()));
        var failure = Assert.Throws<OptionsValidationException>(() => withoutPath.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("SqliteStorageOptions.DatabasePath", failure.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider BuildSilo(string clusterId, Action<ISiloBuilder> configure)
    {
        var silo = new TestSiloBuilder();
        silo.Services.Configure<SiloOptions>(options => options.ClusterId = clusterId);
        configure(silo);
        return silo.Services.BuildServiceProvider();
    }
}
