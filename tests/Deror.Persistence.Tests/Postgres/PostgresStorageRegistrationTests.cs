using Deror.Configuration;
using Deror.Hosting;
using Deror.Persistence.Postgres;
using Deror.Persistence.Tests.Conformance;
using Deror.Persistence.Tests.Hosting;
using Deror.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Deror.Persistence.Tests.Postgres;

/// <summary>
/// <c>UsePostgresStorage</c> registers every provider, keyed by the silo's service id (state, reminders, jobs)
/// and cluster id (event log, membership, directory).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStorageRegistrationTests
{
    private static readonly GrainId Grain = TestGrains.Create("registration");

    private readonly PostgresServerFixture _server;

    public PostgresStorageRegistrationTests(PostgresServerFixture server) => _server = server;

    [Fact]
    public void UsePostgresStorageRegistersEveryProviderAsASingleton()
    {
        using var services = Silo(serviceId: "service", clusterId: "cluster");

        Assert.IsType<PostgresGrainStorage>(services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default));
        Assert.IsType<PostgresReminderTable>(services.GetRequiredService<IReminderTable>());
        Assert.IsType<PostgresDurableJobStore>(services.GetRequiredService<IDurableJobStore>());
        Assert.IsType<PostgresMembershipTable>(services.GetRequiredService<IMembershipTable>());
        Assert.IsType<PostgresGrainDirectory>(services.GetRequiredService<IGrainDirectory>());
        Assert.Same(services.GetRequiredService<IMembershipTable>(), services.GetRequiredService<IMembershipTable>());
        Assert.IsType<PostgresEventLogStore>(services.GetRequiredService<IEventLogStore>());
        Assert.Same(services.GetRequiredService<IEventLogStore>(), services.GetRequiredService<IEventLogStore>());
    }

    [Fact]
    public async Task TheEventLogIsKeyedByTheClusterId()
    {
        var clusterId = $"cluster-{Guid.NewGuid():N}";
        using var first = Silo(serviceId: "service-a", clusterId);
        using var sameCluster = Silo(serviceId: "service-b", clusterId);
        using var otherCluster = Silo(serviceId: "service-a", clusterId + "-other");

        await first.GetRequiredService<IEventLogStore>().AppendAsync("tasks", [new NewEvent("e", "s", DateTimeOffset.UnixEpoch, "{}")]);

        Assert.Equal(1, await sameCluster.GetRequiredService<IEventLogStore>().GetLastSequenceAsync("tasks"));
        Assert.Equal(0, await otherCluster.GetRequiredService<IEventLogStore>().GetLastSequenceAsync("tasks"));
    }

    [Fact]
    public async Task GrainStateIsKeyedByTheServiceId()
    {
        var serviceId = $"service-{Guid.NewGuid():N}";
        using var writer = Silo(serviceId, clusterId: "cluster-a");
        using var sameService = Silo(serviceId, clusterId: "cluster-b");
        using var otherService = Silo(serviceId + "-other", clusterId: "cluster-a");

        var etag = await writer.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default).WriteAsync("state", Grain, new byte[] { 7 }, expectedEtag: null);

        Assert.Equal(etag, (await sameService.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default).ReadAsync("state", Grain))?.Etag);
        Assert.Null(await otherService.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default).ReadAsync("state", Grain));
    }

    [Fact]
    public async Task MembershipIsKeyedByTheClusterId()
    {
        var clusterId = $"cluster-{Guid.NewGuid():N}";
        using var first = Silo(serviceId: "service-a", clusterId);
        using var sameCluster = Silo(serviceId: "service-b", clusterId);
        using var otherCluster = Silo(serviceId: "service-a", clusterId + "-other");
        var table = first.GetRequiredService<IMembershipTable>();
        await table.InitializeAsync();
        await otherCluster.GetRequiredService<IMembershipTable>().InitializeAsync();

        var version = (await table.ReadAllAsync()).Version;
        Assert.True(await table.InsertRowAsync(new MembershipEntry { SiloAddress = SiloAddress.Parse("127.0.0.1:11111:1"), Status = SiloStatus.Joining }, version.Next()));

        Assert.Single((await sameCluster.GetRequiredService<IMembershipTable>().ReadAllAsync()).Rows);
        Assert.Empty((await otherCluster.GetRequiredService<IMembershipTable>().ReadAllAsync()).Rows);
    }

    [Fact]
    public void InvalidOptionsFailWhenTheProviderIsResolved()
    {
        var silo = new TestSiloBuilder();
        silo.AddPostgresGrainStorage("archive", options => options.ConnectionString = "Database=no-host");
        using var services = silo.Services.BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredKeyedService<IGrainStorage>("archive"));
    }

    private ServiceProvider Silo(string serviceId, string clusterId)
    {
        var silo = new TestSiloBuilder();
        silo.Services.Configure<SiloOptions>(options =>
        {
            options.ServiceId = serviceId;
            options.ClusterId = clusterId;
        });
        silo.UsePostgresStorage(_server.ConnectionString);
        return silo.Services.BuildServiceProvider();
    }
}
