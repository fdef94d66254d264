using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Docker;

public static class DockerServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="DockerClient"/> for the process, configured by <see cref="DockerClientOptions"/>
    /// (bind them from configuration with <c>services.Configure&lt;DockerClientOptions&gt;(section)</c>); invalid
    /// options fail at host start.
    /// </summary>
    public static IServiceCollection AddDockerClient(this IServiceCollection services, Action<DockerClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<DockerClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DockerClientOptions>, DockerClientOptionsValidator>());
        services.TryAddSingleton(provider => new DockerClient(
            provider.GetRequiredService<IOptions<DockerClientOptions>>().Value,
            provider.GetService<ILogger<DockerClient>>()));
        return services;
    }
}
