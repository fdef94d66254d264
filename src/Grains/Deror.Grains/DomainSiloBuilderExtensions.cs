using Deror.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Deror.Hosting;

public static class DomainSiloBuilderExtensions
{
    /// <summary>
    /// Hosts Deror's domain grains (cluster, node, task, task index, event feed) on this silo. Needs grain storage,
    /// durable jobs, reminders and an event log from a store provider (e.g. <c>UseSqliteStorage</c>). Task scheduling
    /// settings bind from <c>Deror:Tasks</c> (<see cref="TaskSchedulingOptions"/>).
    /// </summary>
    public static ISiloBuilder AddDerorDomain(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddGrainAssembly(typeof(TaskGrain).Assembly);
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton<LifecycleLog>();
        silo.Services.AddOptions<TaskSchedulingOptions>().Bind(silo.Configuration.GetSection(TaskSchedulingOptions.ConfigurationSection))
            .ValidateDataAnnotations().ValidateOnStart();
        return silo;
    }
}
