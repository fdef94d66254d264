using Deror.Client;
using Deror.Configuration;
using Deror.Messaging;
using Deror.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Deror.Hosting;

/// <summary>Adds a Deror cluster client to a host: <c>services.AddDerorClient(o => o.Gateways.Add("127.0.0.1:30000"))</c>.</summary>
public static class DerorClientHostingExtensions
{
    public static IServiceCollection AddDerorClient(this IServiceCollection services, Action<ClientOptions> configure)
    {
        services.AddOptions<ClientOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClientOptions>, ClientOptionsValidator>());
        services.AddOptions<MessagingOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MessagingOptions>, MessagingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ClientGrainTypeResolver>();
        services.AddSingleton<ICodec>(sp => new BinaryCodec(new GrainFactoryReferenceResolver(sp)));
        services.AddSingleton<MessageSerializer>();
        services.AddSingleton<GatewayClientRuntime>();
        services.AddSingleton<ClusterClient>();
        services.AddSingleton<IClusterClient>(sp => sp.GetRequiredService<ClusterClient>());
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<ClusterClient>());
        services.AddHostedService(sp => sp.GetRequiredService<ClusterClient>());
        return services;
    }

    public static IHostApplicationBuilder AddDerorClient(this IHostApplicationBuilder builder, Action<ClientOptions> configure)
    {
        builder.Services.AddDerorClient(configure);
        return builder;
    }
}
