using Deror.Testing.Servers;
using Deror.Configuration;
using Deror.Hosting;
using Deror.Persistence.Redis;
using Deror.Persistence.Tests.Conformance;
using Deror.Persistence.Tests.Hosting;
using Deror.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Deror.Persistence.Tests.Redis;

public sealed class RedisStorageRegistrationTests
{
    private static readonly GrainId Grain = TestGrains.Create("registration");

    private readonly TestSiloBuilder _silo = new();

    [Fact]
    public async Task UseRedisStorageRegistersEveryProviderKeyedByServiceAndCluster()
    {
        var serviceId = RedisServerFixture.UniqueId();
        _silo.Services.Configure<SiloOptions>(options => (options.ServiceId, options.ClusterId) = (serviceId, "cluster-" + serviceId));
        _silo.UseRedisStorage(RedisServerFixture.Shared.Configuration);
        using var services = _silo.Services.BuildServiceProvider();
        services.GetRequiredService<IStartupValidator>().Validate();

        var storage = Assert.IsType<RedisGrainStorage>(services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default));
        Assert.IsType<RedisReminderTable>(services.GetRequiredService<IReminderTable>());
        Assert.IsType<RedisDurableJobStore>(services.GetRequiredService<IDurableJobStore>());
        var membership = Assert.IsType<RedisMembershipTable>(services.GetRequiredService<IMembershipTable>());
        Assert.IsType<RedisGrainDirectory>(services.GetRequiredService<IGrainDirectory>());
        Assert.Same(membership, services.GetRequiredService<IMembershipTable>());
        var events = Assert.IsType<RedisEventLogStore>(services.GetRequiredService<IEventLogStore>());

        // Keyed as configured: the state is visible under the service id, the membership table under the cluster id.
        await storage.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);
        Assert.NotNull(await new RedisGrainStorage(RedisServerFixture.Shared.Connection, serviceId, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).ReadAsync("state", Grain));
        await membership.InitializeAsync();
        var ownCluster = new RedisMembershipTable(RedisServerFixture.Shared.Connection, "cluster-" + serviceId, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        Assert.Equal((await membership.ReadAllAsync()).Version, (await ownCluster.ReadAllAsync()).Version);
        await events.AppendAsync("tasks", [new NewEvent("e", "s", DateTimeOffset.UnixEpoch, "{}")]);
        using var ownClusterEvents = new RedisEventLogStore(RedisServerFixture.Shared.Connection, "cluster-" + serviceId, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        Assert.Equal(1, await ownClusterEvents.GetLastSequenceAsync("tasks"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(",,,")]
    public void AnInvalidConfigurationFailsAtStart(string configuration)
    {
        _silo.UseRedisStorage(configuration);
        using var services = _silo.Services.BuildServiceProvider();

        // One failure per provider: each validates its own named options.
        var failures = Assert.Throws<AggregateException>(() => services.GetRequiredService<IStartupValidator>().Validate()).InnerExceptions;
        Assert.Equal(6, failures.Count);
        Assert.All(failures, failure => Assert.Contains(nameof(RedisStorageOptions.Configuration), Assert.IsType<OptionsValidationException>(failure).Message, StringComparison.Ordinal));
    }
}
