namespace Deror.Client;

/// <summary>Settings a client falls back to: the environment first, then the local silo's defaults.</summary>
internal static class DerorClientDefaults
{
    public const string ClusterIdVariable = "DEROR_CLUSTER_ID";
    public const string GatewayVariable = "DEROR_GATEWAY";
    public const string TokenVariable = "DEROR_TOKEN";

    public static string ClusterId()
        => Environment.GetEnvironmentVariable(ClusterIdVariable) is { Length: > 0 } clusterId ? clusterId : "local";

    public static string? Token()
        => Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } token ? token : null;

    public static IReadOnlyList<string> Gateways()
        => Environment.GetEnvironmentVariable(GatewayVariable) is { Length: > 0 } gateways
            ? gateways.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : ["127.0.0.1:30000"];
}
