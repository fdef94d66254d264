namespace Deror.Http;

/// <summary>
/// Where the silo serves its HTTP API and dashboard, and the token that guards it: configuration section
/// <c>Deror:Http</c> (e.g. <c>--Deror:Http:Port=8081</c>, <c>DEROR__HTTP__TOKEN</c>).
/// </summary>
public sealed class DerorHttpOptions
{
    public const string Section = "Deror:Http";

    /// <summary>The IP address to listen on. Anything but loopback makes <see cref="Token"/> mandatory.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The TCP port (0 picks a free port).</summary>
    public int Port { get; set; } = 8080;

    /// <summary>
    /// When set, every mutating call (POST, PUT, PATCH, DELETE) must carry <c>Authorization: Bearer &lt;token&gt;</c>.
    /// Required when <see cref="Address"/> is not loopback.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>How long an idle event stream waits before it sends a keep-alive comment (proxies drop silent connections).</summary>
    public TimeSpan EventKeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the domain gauges (nodes by status, tasks by state, cluster status) are re-read for OTLP export.</summary>
    public TimeSpan MetricsRefreshInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Whether clients must present <see cref="Token"/> on mutating calls.</summary>
    internal bool RequiresToken => !string.IsNullOrEmpty(Token);
}
