using Deror.Silo;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

try
{
    using var host = SiloHostFactory.Build(args);
    // Validate before starting, so a bad setting ends in one line instead of the host's logged stack trace.
    host.Services.GetService<IStartupValidator>()?.Validate();
    await host.RunAsync();
    return 0;
}
catch (Exception e) when (ConfigurationError.TryDescribe(e, out var message))
{
    await Console.Error.WriteLineAsync($"error: {message}");
    return ConfigurationError.ExitCode;
}
catch (IOException e) when (e.InnerException is AddressInUseException)
{
    // Kestrel's message names the address; the setting to change is ours.
    await Console.Error.WriteLineAsync($"error: {e.Message} Set Deror:Http:Port (or Deror:Http:Address) to serve the HTTP API elsewhere.");
    return 1;
}
