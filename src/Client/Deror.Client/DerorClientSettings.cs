namespace Deror.Client;

/// <summary>Where <see cref="DerorClient"/> finds the cluster. The defaults reach a silo started by <c>./deror up</c>.</summary>
public sealed class DerorClientSettings
{
    /// <summary>The cluster to join; defaults to <c>DEROR_CLUSTER_ID</c>, else <c>local</c>.</summary>
    public string ClusterId { get; set; } = DerorClientDefaults.ClusterId();

    /// <summary>Gateways as <c>host:port</c>; when empty, <c>DEROR_GATEWAY</c> (comma-separated), else <c>127.0.0.1:30000</c>.</summary>
    public IList<string> Gateways { get; } = [];

    /// <summary>
    /// The token the gateways require (their <c>Deror:Gateway:Token</c>); defaults to <c>DEROR_TOKEN</c>, else none.
    /// A gateway that needs a token refuses a client without the right one, and connecting fails at once.
    /// </summary>
    public string? Token { get; set; } = DerorClientDefaults.Token();

    /// <summary>How long connecting keeps retrying before it fails (a silo that is still starting gets this long).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
