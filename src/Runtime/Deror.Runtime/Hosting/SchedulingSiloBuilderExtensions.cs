using Deror.Configuration;
using Deror.Runtime.Jobs;
using Deror.Runtime.Reminders;
using Deror.Runtime;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Hosting;

/// <summary>
/// The one way to turn on reminders and durable jobs: with a table/store from a provider. Provider packages
/// wrap these (<c>UseInMemoryReminderService</c>, <c>UseSqliteReminderService</c>, ...). Calling again replaces the store.
/// </summary>
public static class SchedulingSiloBuilderExtensions
{
    public static ISiloBuilder UseReminderService(this ISiloBuilder silo, Func<IServiceProvider, IReminderTable> table, Action<ReminderOptions>? configure = null)
    {
        var services = silo.Services;
        services.RemoveAll<IReminderTable>();
        services.AddSingleton(table);
        AddOptions(silo, configure, "Reminders");
        if (!services.Any(d => d.ServiceType == typeof(ReminderService)))
        {
            services.AddSingleton<ReminderService>();
            services.AddSingleton<IReminderRegistry>(sp => sp.GetRequiredService<ReminderService>());
            services.AddSingleton<ISiloLifecycleParticipant>(sp => sp.GetRequiredService<ReminderService>());
        }
        return silo;
    }

    public static ISiloBuilder UseDurableJobs(this ISiloBuilder silo, Func<IServiceProvider, IDurableJobStore> store, Action<DurableJobOptions>? configure = null)
    {
        var services = silo.Services;
        services.RemoveAll<IDurableJobStore>();
        services.AddSingleton(store);
        AddOptions(silo, configure, "Jobs");
        if (!services.Any(d => d.ServiceType == typeof(DurableJobService)))
        {
            services.AddSingleton<DurableJobService>();
            services.AddSingleton<IDurableJobManager>(sp => sp.GetRequiredService<DurableJobService>());
            services.AddSingleton<ISiloLifecycleParticipant>(sp => sp.GetRequiredService<DurableJobService>());
        }
        return silo;
    }

    private static void AddOptions<TOptions>(ISiloBuilder silo, Action<TOptions>? configure, string section) where TOptions : class
    {
        var options = silo.Services.AddOptions<TOptions>()
            .Bind(silo.Configuration.GetSection(DerorSiloHostingExtensions.ConfigurationSection).GetSection(section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }
    }
}
