using Deror.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.TestingHost;

/// <summary>How an <see cref="InProcessTestCluster"/> builds its silos and its client.</summary>
public sealed class TestClusterOptions
{
    public string ClusterId { get; set; } = $"test-{Guid.NewGuid():N}"[..13];

    /// <summary>Extra configuration for every silo (storage, reminders, options). Runs after the test defaults.</summary>
    public List<Action<ISiloBuilder>> SiloConfigurations { get; } = [];

    /// <summary>Extra configuration for the client's services.</summary>
    public List<Action<IServiceCollection>> ClientConfigurations { get; } = [];

    public TestClusterOptions ConfigureSilo(Action<ISiloBuilder> configure)
    {
        SiloConfigurations.Add(configure);
        return this;
    }

    public TestClusterOptions ConfigureClient(Action<IServiceCollection> configure)
    {
        ClientConfigurations.Add(configure);
        return this;
    }
}
