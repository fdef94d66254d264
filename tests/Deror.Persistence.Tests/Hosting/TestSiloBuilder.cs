using Deror.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Persistence.Tests.Hosting;

/// <summary>A bare <see cref="ISiloBuilder"/> over a service collection with logging, for registration tests.</summary>
internal sealed class TestSiloBuilder : ISiloBuilder
{
    public IServiceCollection Services { get; } = new ServiceCollection().AddLogging();

    public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
}
