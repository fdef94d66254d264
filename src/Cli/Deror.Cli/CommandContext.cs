using System.CommandLine;
using Deror.Cli.Output;
using Deror.Client;

namespace Deror.Cli;

/// <summary>One command's invocation: its parsed arguments, its output, and the cluster connection (opened on first use).</summary>
internal sealed class CommandContext(CliEnvironment environment, ParseResult parse) : IAsyncDisposable
{
    private DerorClient? _client;
    private ClusterManager? _cluster;

    public ParseResult Parse { get; } = parse;

    public CliOutput Output { get; } = environment.OutputFor(parse);

    public CliEnvironment Environment { get; } = environment;

    public T GetValue<T>(Option<T> option) => Parse.GetValue(option)!;

    public T GetValue<T>(Argument<T> argument) => Parse.GetValue(argument)!;

    /// <summary>
    /// Connects to the cluster's gateways; a cluster that cannot be reached fails with exit code 5, one that refuses
    /// the connection (missing or wrong token) with 6.
    /// </summary>
    public async Task<ClusterManager> ClusterAsync(CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken);
        return _cluster!;
    }

    /// <summary>The connected client, for calls outside the <see cref="ClusterManager"/> facade (system grains).</summary>
    public async Task<IGrainFactory> GrainsAsync(CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken);
        return _client!;
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (_client is not null)
        {
            return;
        }
        var globals = Environment.Globals;
        var connectTimeout = Parse.GetValue(globals.ConnectTimeout);
        var settings = new DerorClientSettings { ClusterId = globals.ClusterId(Parse), ConnectTimeout = connectTimeout, Token = globals.AccessToken(Parse) };
        var location = globals.Location(Parse);
        var gateways = location.Url is { } url ? await GatewayDiscovery.GatewaysAsync(url, connectTimeout, cancellationToken) : location.Gateways;
        foreach (var gateway in gateways)
        {
            settings.Gateways.Add(gateway);
        }
        _client = await DerorClient.ConnectAsync(settings, cancellationToken);
        _cluster = new ClusterManager(_client, settings.ClusterId);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
    }
}
