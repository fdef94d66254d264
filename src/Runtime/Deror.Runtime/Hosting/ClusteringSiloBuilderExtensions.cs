using Deror.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Deror.Hosting;

/// <summary>
/// The one way to give a silo its cluster store: a membership table and a grain directory from a provider.
/// Provider packages wrap these (<c>UseSqliteStorage</c>, <c>UseRedisStorage</c>, ...). Calling again replaces the store.
/// </summary>
public static class ClusteringSiloBuilderExtensions
{
    public static ISiloBuilder UseMembershipTable(this ISiloBuilder silo, Func<IServiceProvider, IMembershipTable> table)
    {
        silo.Services.RemoveAll<IMembershipTable>();
        silo.Services.AddSingleton(table);
        return silo;
    }

    public static ISiloBuilder UseGrainDirectory(this ISiloBuilder silo, Func<IServiceProvider, IGrainDirectory> directory)
    {
        silo.Services.RemoveAll<IGrainDirectory>();
        silo.Services.AddSingleton(directory);
        return silo;
    }
}
