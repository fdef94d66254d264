namespace Deror.Agent;

/// <summary>The maintenance action run while the node is drained (<c>Deror:Sidecar:Maintenance</c>).</summary>
public sealed class MaintenanceOptions
{
    /// <summary>The command to run (e.g. an upgrade script); null: maintenance only restarts Exo.</summary>
    public string? Command { get; set; }

    public List<string> Arguments { get; set; } = [];

    public string? WorkingDirectory { get; set; }

    /// <summary>The command is stopped and counted as failed after this long.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);
}
