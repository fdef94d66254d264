namespace Deror.Agent;

/// <summary>The sidecar agent's settings, bound from <c>Deror:Sidecar</c>; validated at silo start.</summary>
public sealed class SidecarOptions
{
    public const string ConfigurationSection = "Deror:Sidecar";

    /// <summary>Deror's stable name for this node (the key of its node grain). Default: the host name.</summary>
    public string NodeName { get; set; } = Environment.MachineName;

    /// <summary>The local Exo's HTTP API.</summary>
    public Uri ExoApiUrl { get; set; } = new("http://127.0.0.1:52415/");

    /// <summary>How often the probe loop checks Exo and sends a heartbeat.</summary>
    public TimeSpan ProbePeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the liveness probe (<c>GET /node_id</c>) may take before it counts as failed.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one <c>WaitForDirective</c> long poll waits for a change.</summary>
    public TimeSpan DirectiveWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First wait before retrying a failed grain call; it doubles up to <see cref="GrainRetryMaxDelay"/>.</summary>
    public TimeSpan GrainRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan GrainRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    public ExoSupervisorOptions Exo { get; set; } = new();

    public TaskExecutionOptions Tasks { get; set; } = new();

    public DrainOptions Drain { get; set; } = new();

    public MaintenanceOptions Maintenance { get; set; } = new();
}
