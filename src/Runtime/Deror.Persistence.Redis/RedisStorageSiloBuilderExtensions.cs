using Deror.Configuration;
using Deror.Persistence.Redis;
using Deror.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Hosting;

/// <summary>
/// Registers the Redis providers. Grain storage is a keyed <see cref="IGrainStorage"/> singleton (key = provider
/// name); the others are plain singletons. State, reminders and jobs are keyed by <see cref="SiloOptions.ServiceId"/>,
/// the event log, membership and the directory by <see cref="SiloOptions.ClusterId"/>. Providers with the same configuration string
/// share one connection. Registering again replaces the earlier registration and its options; options are validated
/// when the silo starts. Redis must run with persistence (AOF) in production: see <see cref="RedisStorageOptions"/>.
/// </summary>
public static class RedisStorageSiloBuilderExtensions
{
    /// <summary>All providers, the event log included, on the Redis at <paramref name="configuration"/>; state is the default provider.</summary>
    public static ISiloBuilder UseRedisStorage(this ISiloBuilder silo, string configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return silo
            .AddRedisGrainStorage(GrainStorageNames.Default, options => options.Configuration = configuration)
            .UseRedisReminderService(options => options.Configuration = configuration)
            .UseRedisDurableJobs(options => options.Configuration = configuration)
            .UseRedisEventLog(options => options.Configuration = configuration)
            .UseRedisMembershipTable(options => options.Configuration = configuration)
            .UseRedisGrainDirectory(options => options.Configuration = configuration);
    }

    public static ISiloBuilder AddRedisGrainStorage(this ISiloBuilder silo, string name, Action<RedisStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var optionsName = RedisStorageOptionNames.GrainStorage(name);
        ConfigureOptions(silo.Services, optionsName, configure);
        silo.Services.RemoveAllKeyed<IGrainStorage>(name);
        silo.Services.AddKeyedSingleton<IGrainStorage>(name, (services, _) => new RedisGrainStorage(Connection(services, optionsName), Silo(services).ServiceId, Loggers(services)));
        return silo;
    }

    public static ISiloBuilder UseRedisReminderService(this ISiloBuilder silo, Action<RedisStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ConfigureOptions(silo.Services, RedisStorageOptionNames.Reminders, configure);
        return silo.UseReminderService(services => new RedisReminderTable(Connection(services, RedisStorageOptionNames.Reminders), Silo(services).ServiceId));
    }

    public static ISiloBuilder UseRedisDurableJobs(this ISiloBuilder silo, Action<RedisStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ConfigureOptions(silo.Services, RedisStorageOptionNames.DurableJobs, configure);
        return silo.UseDurableJobs(services => new RedisDurableJobStore(Connection(services, RedisStorageOptionNames.DurableJobs), Silo(services).ServiceId, Loggers(services)));
    }

    /// <summary>The event streams of this silo's cluster as Redis Streams.</summary>
    public static ISiloBuilder UseRedisEventLog(this ISiloBuilder silo, Action<RedisStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ConfigureOptions(silo.Services, RedisStorageOptionNames.EventLog, configure);
        return silo.UseEventLog(services => new RedisEventLogStore(Connection(services, RedisStorageOptionNames.EventLog), Silo(services).ClusterId, Loggers(services)));
    }

    public static ISiloBuilder UseRedisMembershipTable(this ISiloBuilder silo, Action<RedisStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ConfigureOptions(silo.Services, RedisStorageOptionNames.Membership, configure);
        return silo.UseMembershipTable(services => new RedisMembershipTable(Connection(services, RedisStorageOptionNames.Membership), Silo(services).ClusterId, Loggers(services)));
    }

    public static ISiloBuilder UseRedisGrainDirectory(this ISiloBuilder silo, Action<RedisStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ConfigureOptions(silo.Services, RedisStorageOptionNames.GrainDirectory, configure);
        return silo.UseGrainDirectory(services => new RedisGrainDirectory(Connection(services, RedisStorageOptionNames.GrainDirectory), Silo(services).ClusterId, Loggers(services)));
    }

    private static void ConfigureOptions(IServiceCollection services, string optionsName, Action<RedisStorageOptions> configure)
    {
        services.ConfigureProviderOptions<RedisStorageOptions, RedisStorageOptionsValidator>(optionsName, configure);
        services.TryAddSingleton<RedisConnections>();
    }

    private static RedisConnection Connection(IServiceProvider services, string optionsName)
        => services.GetRequiredService<RedisConnections>().For(services.GetRequiredService<IOptionsMonitor<RedisStorageOptions>>().Get(optionsName));

    private static SiloOptions Silo(IServiceProvider services) => services.GetRequiredService<IOptions<SiloOptions>>().Value;

    private static ILoggerFactory Loggers(IServiceProvider services) => services.GetRequiredService<ILoggerFactory>();
}
