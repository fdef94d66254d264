using Deror.Configuration;
using Deror.Runtime;
using Deror.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Deror.Hosting;

/// <summary>
/// Registers the in-memory providers. Grain storage is a keyed <see cref="IGrainStorage"/> singleton (key = provider
/// name); reminders, jobs, the membership table and the grain directory are plain singletons. Registering again
/// replaces the earlier registration.
/// </summary>
public static class MemoryStorageSiloBuilderExtensions
{
    public static ISiloBuilder AddMemoryGrainStorage(this ISiloBuilder silo, string name = GrainStorageNames.Default)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        silo.Services.RemoveAllKeyed<IGrainStorage>(name);
        silo.Services.AddKeyedSingleton<IGrainStorage, MemoryGrainStorage>(name);
        return silo;
    }

    public static ISiloBuilder UseInMemoryReminderService(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return silo.UseReminderService(services => ActivatorUtilities.CreateInstance<MemoryReminderTable>(services));
    }

    public static ISiloBuilder UseInMemoryDurableJobs(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return silo.UseDurableJobs(services => ActivatorUtilities.CreateInstance<MemoryDurableJobStore>(services));
    }

    /// <summary>
    /// Membership table and grain directory of this silo's cluster (<see cref="SiloOptions.ClusterId"/>) from
    /// <paramref name="store"/>. Silos in one process given the same store (or none: they share
    /// <see cref="InMemoryClusterStore.Default"/>) form one cluster.
    /// </summary>
    public static ISiloBuilder UseInMemoryClustering(this ISiloBuilder silo, InMemoryClusterStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var clusterStore = store ?? InMemoryClusterStore.Default;
        return silo
            .UseMembershipTable(services => clusterStore.GetMembershipTable(ClusterIdOf(services)))
            .UseGrainDirectory(services => clusterStore.GetGrainDirectory(ClusterIdOf(services)));
    }

    private static string ClusterIdOf(IServiceProvider services) => services.GetRequiredService<IOptions<SiloOptions>>().Value.ClusterId;
}
