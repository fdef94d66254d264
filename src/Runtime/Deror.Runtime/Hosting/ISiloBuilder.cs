using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Hosting;

/// <summary>
/// Configures a silo inside <c>UseDeror(silo => ...)</c>. Providers and features add themselves through
/// extension methods on this interface (<c>silo.UseSqliteStorage(...)</c>, <c>silo.AddMemoryGrainStorage()</c>).
/// </summary>
public interface ISiloBuilder
{
    IServiceCollection Services { get; }

    IConfiguration Configuration { get; }
}
