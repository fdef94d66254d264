using Deror.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Deror.Hosting;

/// <summary>
/// The one way to give a silo its event log (<see cref="IEventLogStore"/>): a store from a provider. Provider
/// packages wrap this (<c>UseSqliteEventLog</c>, <c>UseRedisEventLog</c>, ...; their all-in-one <c>Use*Storage</c>
/// include it). Calling again replaces the store.
/// </summary>
public static class EventLogSiloBuilderExtensions
{
    public static ISiloBuilder UseEventLog(this ISiloBuilder silo, Func<IServiceProvider, IEventLogStore> store)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(store);
        silo.Services.RemoveAll<IEventLogStore>();
        silo.Services.AddSingleton(store);
        return silo;
    }

    /// <summary>
    /// Event streams in process memory, lost when the process ends. Silos given the same <paramref name="store"/>
    /// share its streams; without one, each silo has its own.
    /// </summary>
    public static ISiloBuilder UseInMemoryEventLog(this ISiloBuilder silo, MemoryEventLogStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return store is null ? silo.UseEventLog(_ => new MemoryEventLogStore()) : silo.UseEventLog(_ => store);
    }
}
