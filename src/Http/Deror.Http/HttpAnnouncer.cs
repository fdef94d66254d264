using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Http;

/// <summary>Logs where the API and dashboard are once Kestrel listens (with port 0, only then is the port known).</summary>
internal sealed partial class HttpAnnouncer(IServer server, IHostApplicationLifetime lifetime, IOptions<DerorHttpOptions> options, ILogger<HttpAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            LogListening(logger, string.Join(", ", addresses), options.Value.RequiresToken ? "need a bearer token" : "are open (loopback only)");
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP API and dashboard at {Addresses}; mutating calls {Security}")]
    private static partial void LogListening(ILogger logger, string addresses, string security);
}
