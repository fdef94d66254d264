using System.CommandLine;
using Deror.Cli.Parsing;

namespace Deror.Cli;

/// <summary>Options every command takes: where the cluster is, the token it requires, and how to print.</summary>
internal sealed class GlobalOptions
{
    public const string GatewayVariable = "DEROR_GATEWAY";
    public const string UrlVariable = "DEROR_URL";
    public const string TokenVariable = "DEROR_TOKEN";
    public const string ClusterIdVariable = "DEROR_CLUSTER_ID";
    public const string DefaultGateway = "127.0.0.1:30000";
    public const string DefaultClusterId = "local";

    public Option<string> Gateway { get; } = new("--gateway", "-g")
    {
        Description = $"Gateway(s) to connect to, host:port, comma-separated [env {GatewayVariable}; default {DefaultGateway}]",
        HelpName = "host:port",
        Recursive = true,
    };

    public Option<string> Url { get; } = new("--url")
    {
        Description = $"A silo's HTTP API (e.g. http://10.0.0.5:8080), asked for the cluster's gateways instead of --gateway [env {UrlVariable}]",
        HelpName = "url",
        Recursive = true,
    };

    public Option<string> Token { get; } = new("--token")
    {
        Description = $"The token the cluster's gateways require (the silos' Deror:Token) [env {TokenVariable}]",
        HelpName = "token",
        Recursive = true,
    };

    public Option<string> Cluster { get; } = new("--cluster")
    {
        Description = $"Cluster id [env {ClusterIdVariable}; default {DefaultClusterId}]",
        HelpName = "id",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print JSON (the HTTP API's shapes) instead of tables",
        Recursive = true,
    };

    public Option<TimeSpan> ConnectTimeout { get; } = new("--connect-timeout")
    {
        Description = "How long to keep trying to reach a gateway",
        HelpName = "duration",
        Recursive = true,
        DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
        CustomParser = OptionParsers.Duration,
    };

    public void AddTo(Command root)
    {
        root.Add(Gateway);
        root.Add(Url);
        root.Add(Token);
        root.Add(Cluster);
        root.Add(Json);
        root.Add(ConnectTimeout);
    }

    public string ClusterId(ParseResult parse)
        => NonEmpty(parse.GetValue(Cluster)) ?? NonEmpty(Environment.GetEnvironmentVariable(ClusterIdVariable)) ?? DefaultClusterId;

    public string? AccessToken(ParseResult parse)
        => NonEmpty(parse.GetValue(Token)) ?? NonEmpty(Environment.GetEnvironmentVariable(TokenVariable));

    /// <summary>
    /// Where to find the cluster: <c>--gateway</c> or <c>--url</c> (not both), else <c>DEROR_GATEWAY</c>, else
    /// <c>DEROR_URL</c>, else the local cluster's first gateway.
    /// </summary>
    public ClusterLocation Location(ParseResult parse)
    {
        var gateway = NonEmpty(parse.GetValue(Gateway));
        var url = NonEmpty(parse.GetValue(Url));
        if (gateway is not null && url is not null)
        {
            throw new CliException(ExitCodes.BadArguments, "give --gateway or --url, not both.");
        }
        if (gateway is null && url is null)
        {
            gateway = NonEmpty(Environment.GetEnvironmentVariable(GatewayVariable));
            url = gateway is null ? NonEmpty(Environment.GetEnvironmentVariable(UrlVariable)) : null;
        }
        return url is not null ? ClusterLocation.ForUrl(ParseUrl(url)) : ClusterLocation.ForGateways(ParseGateways(gateway ?? DefaultGateway));
    }

    private static Uri ParseUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException(ExitCodes.BadArguments, $"url '{value}' is not an http(s) URL (e.g. http://127.0.0.1:8080).");
        }
        return url;
    }

    private static IReadOnlyList<string> ParseGateways(string value)
    {
        var gateways = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var gateway in gateways)
        {
            var colon = gateway.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(gateway.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw new CliException(ExitCodes.BadArguments, $"gateway '{gateway}' is not host:port (e.g. {DefaultGateway}).");
            }
        }
        return gateways;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
