using System.Net;
using Microsoft.Extensions.Options;

namespace Deror.Configuration;

/// <summary>Where a client finds the cluster and how it keeps its gateway connections.</summary>
public sealed class ClientOptions
{
    /// <summary>The cluster to join; gateways of another cluster are refused.</summary>
    public string ClusterId { get; set; } = "local";

    /// <summary>Gateway endpoints as <c>host:port</c>. Calls are spread over the connected ones; a dead one is retried in the background.</summary>
    public List<string> Gateways { get; set; } = [];

    /// <summary>
    /// The token the gateways require (their <c>Deror:Gateway:Token</c>), sent in the connection handshake; null when
    /// they require none (loopback-only silos).
    /// </summary>
    public string? Token { get; set; }

    /// <summary>How long start-up keeps trying to reach a first gateway before it fails.</summary>
    public TimeSpan InitialConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Delay between attempts to reconnect a lost gateway.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the client asks the cluster which gateways are active: it stops using gateways of silos declared
    /// dead (a hung silo keeps its connections open) and connects to gateways it was not configured with.
    /// </summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Parses a gateway as an IP endpoint or a host name with a port.</summary>
    public static bool TryParseGateway(string value, out EndPoint endpoint)
    {
        endpoint = null!;
        if (IPEndPoint.TryParse(value, out var ip) && ip.Port != 0)
        {
            endpoint = ip;
            return true;
        }
        var colon = value.LastIndexOf(':');
        if (colon > 0 && int.TryParse(value.AsSpan(colon + 1), out var port) && port is > 0 and <= 65535 && Uri.CheckHostName(value[..colon]) != UriHostNameType.Unknown)
        {
            endpoint = new DnsEndPoint(value[..colon], port);
            return true;
        }
        return false;
    }
}

internal sealed class ClientOptionsValidator : IValidateOptions<ClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ClientOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add("ClientOptions.ClusterId must be set.");
        }
        if (options.Gateways.Count == 0)
        {
            failures.Add("ClientOptions.Gateways must list at least one gateway (host:port).");
        }
        foreach (var gateway in options.Gateways.Where(g => !ClientOptions.TryParseGateway(g, out _)))
        {
            failures.Add($"ClientOptions.Gateways: '{gateway}' is not a host:port endpoint.");
        }
        if (options.InitialConnectTimeout <= TimeSpan.Zero)
        {
            failures.Add("ClientOptions.InitialConnectTimeout must be positive.");
        }
        if (options.ReconnectDelay <= TimeSpan.Zero)
        {
            failures.Add("ClientOptions.ReconnectDelay must be positive.");
        }
        if (options.GatewayListRefreshPeriod <= TimeSpan.Zero)
        {
            failures.Add("ClientOptions.GatewayListRefreshPeriod must be positive.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
