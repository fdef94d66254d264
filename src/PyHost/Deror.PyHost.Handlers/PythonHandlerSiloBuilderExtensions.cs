using Deror.Agent.Execution;
using Deror.PyHost.Handlers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Hosting;

/// <summary>Runs Python task handlers in a silo: <c>silo.AddExoSidecar().AddPythonTaskHandlers()</c>.</summary>
public static class PythonHandlerSiloBuilderExtensions
{
    /// <summary>
    /// Starts CPython in this process, imports the files <c>Deror:PyHost:Handlers</c> names (or
    /// <paramref name="options"/>') and registers each <c>@deror.task("name")</c> function as the sidecar's handler
    /// for tasks of that name. Loading happens now, so a missing file or a handler file that raises stops the silo
    /// at start with the reason.
    /// </summary>
    /// <exception cref="OptionsValidationException">The settings are invalid or a handler file failed to load.</exception>
    public static ISiloBuilder AddPythonTaskHandlers(this ISiloBuilder silo, PythonHandlerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        options ??= PythonHandlerOptions.Read(silo.Configuration);
        if (options.Validate() is [_, ..] problems)
        {
            throw new OptionsValidationException(PythonHandlerOptions.ConfigurationSection, typeof(PythonHandlerOptions), problems);
        }
        PythonTaskHost host;
        try
        {
            host = PythonTaskHost.Start(options);
        }
        catch (PythonHandlerLoadException e)
        {
            throw new OptionsValidationException(PythonHandlerOptions.ConfigurationSection, typeof(PythonHandlerOptions), [e.Message]);
        }
        foreach (var name in host.Handlers)
        {
            silo.Services.AddSingleton(new TaskHandlerRegistration(name, sp => new PythonTaskHandler(host, name, sp.GetRequiredService<ILogger<PythonTaskHandler>>())));
        }
        return silo;
    }
}
