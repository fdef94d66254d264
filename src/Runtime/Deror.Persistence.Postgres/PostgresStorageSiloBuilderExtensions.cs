using Deror.Configuration;
using Deror.Persistence.Postgres;
using Deror.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Hosting;

/// <summary>
/// Registers the PostgreSQL providers. Grain storage is a keyed <see cref="IGrainStorage"/> singleton (key = provider
/// name); the others are plain singletons. State, reminders and jobs are keyed by <see cref="SiloOptions.ServiceId"/>,
/// the event log, membership and the directory by <see cref="SiloOptions.ClusterId"/>. Registering again replaces the earlier
/// registration and its options. Options are validated when the silo starts.
/// </summary>
public static class PostgresStorageSiloBuilderExtensions
{
    /// <summary>
    /// Everything in the PostgreSQL database at <paramref name="connectionString"/>: grain state (the default provider),
    /// reminders, durable jobs, the event log, cluster membership and the grain directory.
    /// </summary>
    public static ISiloBuilder UsePostgresStorage(this ISiloBuilder silo, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        void Configure(PostgresStorageOptions options) => options.ConnectionString = connectionString;
        return silo
            .AddPostgresGrainStorage(GrainStorageNames.Default, Configure)
            .UsePostgresReminderService(Configure)
            .UsePostgresDurableJobs(Configure)
            .UsePostgresEventLog(Configure)
            .UsePostgresMembershipTable(Configure)
            .UsePostgresGrainDirectory(Configure);
    }

    public static ISiloBuilder AddPostgresGrainStorage(this ISiloBuilder silo, string name, Action<PostgresStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var optionsName = PostgresStorageOptionNames.GrainStorage(name);
        ConfigureOptions(silo.Services, optionsName, configure);
        silo.Services.RemoveAllKeyed<IGrainStorage>(name);
        silo.Services.AddKeyedSingleton<IGrainStorage>(name, (services, _) =>
            new PostgresGrainStorage(OptionsNamed(services, optionsName), Silo(services).ServiceId, services.GetRequiredService<ILoggerFactory>()));
        return silo;
    }

    public static ISiloBuilder UsePostgresReminderService(this ISiloBuilder silo, Action<PostgresStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ConfigureOptions(silo.Services, PostgresStorageOptionNames.Reminders, configure);
        return silo.UseReminderService(services =>
            new PostgresReminderTable(OptionsNamed(services, PostgresStorageOptionNames.Reminders), Silo(services).ServiceId, services.GetRequiredService<ILoggerFactory>()));
    }

    public static ISiloBuilder UsePostgresDurableJobs(this ISiloBuilder silo, Action<PostgresStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ConfigureOptions(silo.Services, PostgresStorageOptionNames.DurableJobs, configure);
        return silo.UseDurableJobs(services =>
            new PostgresDurableJobStore(OptionsNamed(services, PostgresStorageOptionNames.DurableJobs), Silo(services).ServiceId, services.GetRequiredService<ILoggerFactory>()));
    }

    public static ISiloBuilder UsePostgresEventLog(this ISiloBuilder silo, Action<PostgresStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ConfigureOptions(silo.Services, PostgresStorageOptionNames.EventLog, configure);
        return silo.UseEventLog(services =>
            new PostgresEventLogStore(OptionsNamed(services, PostgresStorageOptionNames.EventLog), Silo(services).ClusterId, services.GetRequiredService<ILoggerFactory>()));
    }

    public static ISiloBuilder UsePostgresMembershipTable(this ISiloBuilder silo, Action<PostgresStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ConfigureOptions(silo.Services, PostgresStorageOptionNames.Membership, configure);
        return silo.UseMembershipTable(services =>
            new PostgresMembershipTable(OptionsNamed(services, PostgresStorageOptionNames.Membership), Silo(services).ClusterId, services.GetRequiredService<ILoggerFactory>()));
    }

    public static ISiloBuilder UsePostgresGrainDirectory(this ISiloBuilder silo, Action<PostgresStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ConfigureOptions(silo.Services, PostgresStorageOptionNames.GrainDirectory, configure);
        return silo.UseGrainDirectory(services =>
            new PostgresGrainDirectory(OptionsNamed(services, PostgresStorageOptionNames.GrainDirectory), Silo(services).ClusterId, services.GetRequiredService<ILoggerFactory>()));
    }

    private static void ConfigureOptions(IServiceCollection services, string optionsName, Action<PostgresStorageOptions> configure)
    {
        services.ConfigureProviderOptions<PostgresStorageOptions, PostgresStorageOptionsValidator>(optionsName, configure);
    }

    private static PostgresStorageOptions OptionsNamed(IServiceProvider services, string optionsName)
        => services.GetRequiredService<IOptionsMonitor<PostgresStorageOptions>>().Get(optionsName);

    private static SiloOptions Silo(IServiceProvider services) => services.GetRequiredService<IOptions<SiloOptions>>().Value;
}
