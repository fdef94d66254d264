using Deror.Agent;
using Deror.Grains;
using Deror.Hosting;
using Deror.PyHost.Handlers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Deror.Silo;

/// <summary>
/// Builds the silo host: settings from appsettings.json, then environment (<c>DEROR__GATEWAYPORT</c>), then
/// command line (<c>--Deror:GatewayPort=30001</c>); SQLite for state, reminders and jobs. The host is a web
/// application: it serves the HTTP API and dashboard where <c>Deror:Http</c> says (127.0.0.1:8080 by default).
/// </summary>
internal static class SiloHostFactory
{
    /// <summary>Time the silo gets to deactivate grains and save their state after Ctrl-C or SIGTERM.</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    public static WebApplication Build(string[] args)
    {
        // appsettings.json ships next to the binary; the working directory stays the base for relative data paths.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders().AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);

        var store = "";
        builder.UseDeror(silo =>
        {
            store = SiloStorageOptions.Apply(silo.AddGrainAssembly(typeof(HelloGrain).Assembly).AddDerorDomain(), builder.Configuration);
            // The Exo sidecar runs only where it is configured, so `./deror up` on a laptop does not look for Exo.
            if (builder.Configuration.GetSection(SidecarOptions.ConfigurationSection).Exists())
            {
                // Built-in handlers, for smoke tests and benchmarks: `noop` does nothing, `echo` returns its arguments.
                silo.AddExoSidecar()
                    .AddTaskHandler("noop", (_, _) => Task.FromResult<string?>(null))
                    .AddTaskHandler("echo", (context, _) => Task.FromResult(context.Arguments));
                // Opt-in: @deror.task functions from the Python files Deror:PyHost:Handlers names.
                if (builder.Configuration.GetSection(PythonHandlerOptions.ConfigurationSection).Exists())
                {
                    silo.AddPythonTaskHandlers();
                }
            }
        });
        builder.Services.AddHostedService(sp => new StorageAnnouncer(store, sp.GetRequiredService<ILogger<StorageAnnouncer>>()));
        builder.Services.AddDerorHttp(builder.Configuration);
        SharedToken.Apply(builder.Services, builder.Configuration);

        var app = builder.Build();
        app.MapDerorApi();
        return app;
    }
}
