namespace Deror.Agent;

/// <summary>How the sidecar drains its node (<c>Deror:Sidecar:Drain</c>).</summary>
public sealed class DrainOptions
{
    /// <summary>How long to wait for Exo's inference tasks on this node's instances to finish before deleting them anyway.</summary>
    public TimeSpan InferenceIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the drain re-reads Exo's state while it waits.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
