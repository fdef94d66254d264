namespace Deror.Cli;

/// <summary>Where the CLI finds the cluster: gateways it was given, or a silo's HTTP API that lists them.</summary>
internal sealed record ClusterLocation(IReadOnlyList<string> Gateways, Uri? Url)
{
    public static ClusterLocation ForGateways(IReadOnlyList<string> gateways) => new(gateways, null);

    public static ClusterLocation ForUrl(Uri url) => new([], url);
}
