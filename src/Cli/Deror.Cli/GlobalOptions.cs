using System.CommandLine;
using Deror.Cli.Parsing;

namespace Deror.Cli;

/// <summary>Options every command takes: where the cluster is, and how to print.</summary>
internal sealed class GlobalOptions
{
    public const string GatewayVariable = "DEROR_GATEWAY";
    public const string ClusterIdVariable = "DEROR_CLUSTER_ID";
    public const string DefaultGateway = "127.0.0.1:30000";
    public const string DefaultClusterId = "local";

    public Option<string> Gateway { get; } = new("--gateway", "-g")
    {
        Description = $"Gateway(s) to connect to, host:port, comma-separated [env {GatewayVariable}; default {DefaultGateway}]",
        HelpName = "host:port",
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
        root.Add(Cluster);
        root.Add(Json);
        root.Add(ConnectTimeout);
    }

    public string ClusterId(ParseResult parse)
        => NonEmpty(parse.GetValue(Cluster)) ?? NonEmpty(Environment.GetEnvironmentVariable(ClusterIdVariable)) ?? DefaultClusterId;

    public IReadOnlyList<string> Gateways(ParseResult parse)
    {
        var value = NonEmpty(parse.GetValue(Gateway)) ?? NonEmpty(Environment.GetEnvironmentVariable(GatewayVariable)) ?? DefaultGateway;
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
