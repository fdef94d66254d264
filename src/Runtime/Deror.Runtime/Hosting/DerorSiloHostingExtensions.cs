using Deror.Configuration;
using Deror.Invocation;
using Deror.Messaging;
using Deror.Runtime.Catalog;
using Deror.Runtime;
using Deror.Runtime.Membership;
using Deror.Runtime.Messaging;
using Deror.Runtime.Placement;
using Deror.Runtime.Ring;
using Deror.Runtime.Networking;
using Deror.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Deror.Hosting;

/// <summary>Turns a .NET host into a Deror silo: <c>builder.UseDeror(silo => silo.UseSqliteStorage("deror.db"))</c>.</summary>
public static class DerorSiloHostingExtensions
{
    /// <summary>Configuration section the silo's options bind from (e.g. <c>Deror:GatewayPort</c>, env <c>DEROR__GATEWAYPORT</c>).</summary>
    public const string ConfigurationSection = "Deror";

    public static IHostApplicationBuilder UseDeror(this IHostApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        var silo = new SiloBuilder(builder.Services, builder.Configuration);
        AddSiloServices(silo);
        configure?.Invoke(silo);
        return builder;
    }

    public static IHostBuilder UseDeror(this IHostBuilder builder, Action<ISiloBuilder>? configure = null)
        => builder.ConfigureServices((context, services) =>
        {
            var silo = new SiloBuilder(services, context.Configuration);
            AddSiloServices(silo);
            configure?.Invoke(silo);
        });

    /// <summary>Sets the silo's identity and ports in code (configuration can still override what is not set here).</summary>
    public static ISiloBuilder Configure(this ISiloBuilder silo, Action<SiloOptions> configure)
    {
        silo.Services.Configure(configure);
        return silo;
    }

    /// <summary>
    /// Makes the grain classes of <paramref name="assembly"/> available to the silo. Assemblies loaded in the process
    /// and their references are found automatically; this is for a grains assembly the host's code never names (the
    /// compiler drops references to assemblies whose types are not used).
    /// </summary>
    public static ISiloBuilder AddGrainAssembly(this ISiloBuilder silo, System.Reflection.Assembly assembly)
    {
        GeneratedCodeRegistry.EnsureLoaded(assembly);
        return silo;
    }

    /// <summary>A single silo on loopback: the given ports and cluster id.</summary>
    public static ISiloBuilder UseLocalhostClustering(this ISiloBuilder silo, int siloPort = 11111, int gatewayPort = 30000, string clusterId = "local")
        => silo.Configure(o =>
        {
            o.AdvertisedIPAddress = "127.0.0.1";
            o.SiloPort = siloPort;
            o.GatewayPort = gatewayPort;
            o.ClusterId = clusterId;
        });

    private static void AddSiloServices(SiloBuilder silo)
    {
        var services = silo.Services;
        if (services.Any(d => d.ServiceType == typeof(Silo)))
        {
            return;
        }
        var section = silo.Configuration.GetSection(ConfigurationSection);
        services.AddOptions<SiloOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MessagingOptions>().Bind(section.GetSection("Messaging")).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MessagingOptions>, MessagingOptionsValidator>());
        services.AddOptions<GatewayOptions>().Bind(section.GetSection("Gateway")).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        services.AddOptions<GrainCollectionOptions>().Bind(section.GetSection("Collection")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ClusterMembershipOptions>().Bind(section.GetSection("Membership")).ValidateDataAnnotations().ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PreboundSockets>();
        services.AddSingleton<ILocalSiloDetails, LocalSiloDetails>();
        services.AddSingleton(_ =>
        {
            GeneratedCodeRegistry.EnsureAllLoaded();
            return new GrainTypeManifest(GeneratedCodeRegistry.GetGrainClasses());
        });
        services.AddSingleton<IGrainTypeResolver>(sp => sp.GetRequiredService<GrainTypeManifest>());
        services.AddSingleton<GrainActivator>();
        services.AddSingleton<GrainRuntime>();
        services.AddSingleton<Runtime.Catalog.Catalog>();
        services.AddSingleton<SiloRuntimeClient>();
        services.AddSingleton<IGrainReferenceRuntime>(sp => sp.GetRequiredService<SiloRuntimeClient>());
        services.AddSingleton<MessageCenter>();
        services.AddSingleton<IGrainFactory>(sp => new GrainFactory(sp.GetRequiredService<IGrainReferenceRuntime>(), sp.GetRequiredService<IGrainTypeResolver>()));
        services.AddSingleton<ICodec>(sp => new BinaryCodec(new GrainFactoryReferenceResolver(sp)));
        services.AddSingleton<MessageSerializer>();
        services.AddSingleton<Gateway>();
        services.AddSingleton<ISiloLifecycleParticipant>(sp => sp.GetRequiredService<Gateway>());
        services.AddSingleton<ISiloLifecycleParticipant, ActivationCollector>();

        // Clustering: active when a provider registered a membership table (UseSqliteStorage, UseRedisStorage, ...);
        // without one the silo runs alone and owns the whole ring.
        services.AddSingleton<ClusterMembershipView>();
        services.AddSingleton<GrainLocator>();
        services.AddSingleton<PlacementDirector>();
        services.AddSingleton<SiloLoadMonitor>();
        services.AddSingleton<ISiloLifecycleParticipant>(sp => sp.GetRequiredService<SiloLoadMonitor>());
        services.AddSingleton<MembershipAgent>();
        services.AddSingleton<SiloConnections>();
        services.AddSingleton<IRangeOwnership>(sp => IsClustered(sp)
            ? ActivatorUtilities.CreateInstance<MembershipRingOwnership>(sp)
            : new WholeRingOwnership());

        services.AddSingleton(sp => new Silo(
            IsClustered(sp)
                ? [.. sp.GetServices<ISiloLifecycleParticipant>(), sp.GetRequiredService<SiloConnections>(), sp.GetRequiredService<MembershipAgent>()]
                : sp.GetServices<ISiloLifecycleParticipant>(),
            sp.GetRequiredService<Runtime.Catalog.Catalog>(),
            sp.GetRequiredService<ILocalSiloDetails>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Silo>>()));
        services.AddHostedService(sp => sp.GetRequiredService<Silo>());
    }

    private static bool IsClustered(IServiceProvider services) => services.GetService<IMembershipTable>() is not null;
}
