using Deror.Runtime;
using Deror.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Deror.Hosting;

/// <summary>
/// Registers the in-memory providers. Grain storage is a keyed <see cref="IGrainStorage"/> singleton (key = provider
/// name); reminders and jobs are plain singletons. Registering again replaces the earlier registration.
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
}
