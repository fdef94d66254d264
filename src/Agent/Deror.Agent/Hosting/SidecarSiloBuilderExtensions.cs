using Deror.Agent;
using Deror.Agent.Execution;
using Deror.Agent.Hosting;
using Deror.Agent.Supervision;
using Deror.Docker;
using Deror.Exo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Hosting;

/// <summary>Registers the Exo sidecar agent on a silo: <c>silo.AddExoSidecar(o =&gt; o.NodeName = "node-1")</c>.</summary>
public static class SidecarSiloBuilderExtensions
{
    /// <summary>
    /// Runs the sidecar agent in this silo: Exo supervision, probes and heartbeats for the node grain, and execution
    /// of the node's tasks. Settings bind from <c>Deror:Sidecar</c>; <paramref name="configure"/> applies after them.
    /// </summary>
    public static ISiloBuilder AddExoSidecar(this ISiloBuilder silo, Action<SidecarOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var services = silo.Services;
        var options = services.AddOptions<SidecarOptions>().Bind(silo.Configuration.GetSection(SidecarOptions.ConfigurationSection)).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        if (services.Any(d => d.ServiceType == typeof(SidecarAgent)))
        {
            return silo;
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SidecarOptions>, SidecarOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SidecarOptions>>().Value;
            // Each call carries its own timeout (ExoClient), so the HttpClient's own stays infinite.
            return new ExoClient(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, new ExoClientOptions { BaseAddress = o.ExoApiUrl, ReadTimeout = o.ProbeTimeout });
        });
        services.AddSingleton<IExoProcess>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SidecarOptions>>().Value;
            return o.Exo.Supervise
                ? new ExoSupervisor(o.Exo, sp.GetRequiredService<ILogger<ExoSupervisor>>(), sp.GetRequiredService<TimeProvider>())
                : new ExternalExo(sp.GetRequiredService<ILogger<ExternalExo>>());
        });
        services.AddSingleton<ITaskExecutor>(sp => new ProcessTaskExecutor(sp.GetRequiredService<IOptions<SidecarOptions>>().Value.Tasks));
        // Also resolved on its own: the sidecar advertises its handler names with every heartbeat.
        services.AddSingleton(sp => new HandlerTaskExecutor(sp.GetServices<TaskHandlerRegistration>(), sp.GetRequiredService<IOptions<SidecarOptions>>().Value.Tasks, sp));
        services.AddSingleton<ITaskExecutor>(sp => sp.GetRequiredService<HandlerTaskExecutor>());
        services.AddSingleton<ITaskExecutor>(sp => new InferenceTaskExecutor(sp.GetRequiredService<ExoClient>()));
        // The client connects only when used: with containers disabled the executor fails their tasks with the reason.
        services.AddSingleton<ITaskExecutor>(sp =>
        {
            var tasks = sp.GetRequiredService<IOptions<SidecarOptions>>().Value.Tasks;
            var docker = new DockerClient(new DockerClientOptions { SocketPath = tasks.DockerSocket }, sp.GetService<ILogger<DockerClient>>());
            return new ContainerTaskExecutor(docker, tasks);
        });
        services.AddSingleton(sp => new TaskExecutorSet(sp.GetServices<ITaskExecutor>()));
        services.AddSingleton<SidecarAgent>();
        services.AddSingleton<ISiloLifecycleParticipant>(sp => sp.GetRequiredService<SidecarAgent>());
        return silo;
    }

    /// <summary>Registers a handler for handler tasks named <paramref name="name"/>: <c>async (ctx, ct) =&gt; resultJson</c>.</summary>
    public static ISiloBuilder AddTaskHandler(this ISiloBuilder silo, string name, Func<TaskHandlerContext, CancellationToken, Task<string?>> handler)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(handler);
        silo.Services.AddSingleton(new TaskHandlerRegistration(name, _ => new DelegateTaskHandler(handler)));
        return silo;
    }

    /// <summary>Registers <typeparamref name="THandler"/> (created from the silo's services) for handler tasks named <paramref name="name"/>.</summary>
    public static ISiloBuilder AddTaskHandler<THandler>(this ISiloBuilder silo, string name) where THandler : class, ITaskHandler
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        silo.Services.AddSingleton(new TaskHandlerRegistration(name, sp => ActivatorUtilities.CreateInstance<THandler>(sp)));
        return silo;
    }
}
