using Deror.Configuration;
using Deror.Persistence.Sqlite;
using Deror.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Hosting;

/// <summary>
/// Registers the SQLite providers. Grain storage is a keyed <see cref="IGrainStorage"/> singleton (key = provider
/// name); reminders, jobs, the event log, the membership table and the grain directory are plain singletons. Registering again
/// replaces the earlier registration and its options. Options are validated when the silo starts.
/// </summary>
public static class SqliteStorageSiloBuilderExtensions
{
    /// <summary>
    /// Grain state, reminders, durable jobs, the event log, membership and the grain directory all in the SQLite file at
    /// <paramref name="databasePath"/>; state is the default provider.
    /// </summary>
    public static ISiloBuilder UseSqliteStorage(this ISiloBuilder silo, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(databasePath);
        return silo
            .AddSqliteGrainStorage(GrainStorageNames.Default, options => options.DatabasePath = databasePath)
            .UseSqliteReminderService(options => options.DatabasePath = databasePath)
            .UseSqliteDurableJobs(options => options.DatabasePath = databasePath)
            .UseSqliteEventLog(options => options.DatabasePath = databasePath)
            .UseSqliteClustering(options => options.DatabasePath = databasePath);
    }

    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder silo, string name, Action<SqliteStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var optionsName = SqliteStorageOptionNames.GrainStorage(name);
        ConfigureOptions(silo.Services, optionsName, configure);
        silo.Services.RemoveAllKeyed<IGrainStorage>(name);
        silo.Services.AddKeyedSingleton<IGrainStorage>(name, (services, _) => new SqliteGrainStorage(OptionsNamed(services, optionsName), services.GetRequiredService<ILoggerFactory>()));
        return silo;
    }

    public static ISiloBuilder UseSqliteReminderService(this ISiloBuilder silo, Action<SqliteStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ConfigureOptions(silo.Services, SqliteStorageOptionNames.Reminders, configure);
        return silo.UseReminderService(services => new SqliteReminderTable(OptionsNamed(services, SqliteStorageOptionNames.Reminders), services.GetRequiredService<ILoggerFactory>()));
    }

    public static ISiloBuilder UseSqliteDurableJobs(this ISiloBuilder silo, Action<SqliteStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ConfigureOptions(silo.Services, SqliteStorageOptionNames.DurableJobs, configure);
        return silo.UseDurableJobs(services => new SqliteDurableJobStore(OptionsNamed(services, SqliteStorageOptionNames.DurableJobs), services.GetRequiredService<ILoggerFactory>()));
    }

    /// <summary>The event streams of this silo's cluster (<see cref="SiloOptions.ClusterId"/>) in the SQLite file.</summary>
    public static ISiloBuilder UseSqliteEventLog(this ISiloBuilder silo, Action<SqliteStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ConfigureOptions(silo.Services, SqliteStorageOptionNames.EventLog, configure);
        return silo.UseEventLog(services => new SqliteEventLogStore(OptionsNamed(services, SqliteStorageOptionNames.EventLog), ClusterIdOf(services), services.GetRequiredService<ILoggerFactory>()));
    }

    /// <summary>
    /// Membership table and grain directory of this silo's cluster (<see cref="SiloOptions.ClusterId"/>) in the SQLite
    /// file; silo processes on one machine pointing at the same file form one cluster.
    /// </summary>
    public static ISiloBuilder UseSqliteClustering(this ISiloBuilder silo, Action<SqliteStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ConfigureOptions(silo.Services, SqliteStorageOptionNames.Clustering, configure);
        return silo
            .UseMembershipTable(services => new SqliteMembershipTable(OptionsNamed(services, SqliteStorageOptionNames.Clustering), ClusterIdOf(services), services.GetRequiredService<ILoggerFactory>()))
            .UseGrainDirectory(services => new SqliteGrainDirectory(OptionsNamed(services, SqliteStorageOptionNames.Clustering), ClusterIdOf(services), services.GetRequiredService<ILoggerFactory>()));
    }

    private static void ConfigureOptions(IServiceCollection services, string optionsName, Action<SqliteStorageOptions> configure)
    {
        services.ConfigureProviderOptions<SqliteStorageOptions, SqliteStorageOptionsValidator>(optionsName, configure);
    }

    private static SqliteStorageOptions OptionsNamed(IServiceProvider services, string optionsName)
        => services.GetRequiredService<IOptionsMonitor<SqliteStorageOptions>>().Get(optionsName);

    private static string ClusterIdOf(IServiceProvider services) => services.GetRequiredService<IOptions<SiloOptions>>().Value.ClusterId;
}
