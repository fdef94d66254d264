using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Deror.Configuration;

/// <summary>Who this silo is and where it listens.</summary>
public sealed class SiloOptions
{
    /// <summary>The cluster this silo belongs to; silos and clients of one cluster share it.</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[A-Za-z0-9._-]+$", ErrorMessage = "ClusterId may contain only letters, digits, '.', '_' and '-'.")]
    public string ClusterId { get; set; } = "local";

    /// <summary>A stable id of the service; durable data (reminders, jobs, state) is keyed by it and outlives clusters.</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[A-Za-z0-9._-]+$", ErrorMessage = "ServiceId may contain only letters, digits, '.', '_' and '-'.")]
    public string ServiceId { get; set; } = "deror";

    /// <summary>A human-readable name for logs and the dashboard; defaults to the machine name.</summary>
    [Required(AllowEmptyStrings = false)]
    public string SiloName { get; set; } = Environment.MachineName;

    /// <summary>The IP address other silos and clients use to reach this silo.</summary>
    [Required(AllowEmptyStrings = false)]
    public string AdvertisedIPAddress { get; set; } = IPAddress.Loopback.ToString();

    /// <summary>Silo-to-silo port (0 picks a free port).</summary>
    [Range(0, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port (0 picks a free port).</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// What this silo declares about itself in the membership table (e.g. <c>exo-node</c> = the Exo node it serves),
    /// for <c>[SiloMetadataPlacement]</c>. Configuration: <c>Deror:Metadata:exo-node=node-1</c>.
    /// </summary>
    public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.Ordinal);

    public IPAddress GetAdvertisedAddress() => IPAddress.Parse(AdvertisedIPAddress);
}
