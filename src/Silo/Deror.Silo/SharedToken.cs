using Deror.Configuration;
using Deror.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Silo;

/// <summary>
/// <c>Deror:Token</c> (env <c>DEROR__TOKEN</c>): one token for both doors into the cluster, the HTTP API's mutating
/// calls and the client gateway, so an operator configures one secret and the CLI presents one. A door's own setting
/// (<c>Deror:Http:Token</c>, <c>Deror:Gateway:Token</c>) wins over it.
/// </summary>
internal static class SharedToken
{
    public const string Key = "Deror:Token";

    public static void Apply(IServiceCollection services, IConfiguration configuration)
    {
        // Read when options are built, so later configuration sources (command line) count too.
        services.AddOptions<DerorHttpOptions>().PostConfigure(o => o.Token = Choose(o.Token, configuration));
        services.AddOptions<GatewayOptions>().PostConfigure(o => o.Token = Choose(o.Token, configuration));
    }

    private static string? Choose(string? own, IConfiguration configuration)
        => string.IsNullOrEmpty(own) ? configuration[Key] is { Length: > 0 } shared ? shared : own : own;
}
