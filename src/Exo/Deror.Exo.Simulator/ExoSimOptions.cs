namespace Deror.Exo.Simulator;

/// <summary>
/// One simulated Exo node. The first block mirrors exo's own flags and environment; the rest are the simulator's
/// (discovery and timing), with defaults short enough for tests. Real exo's timings are noted beside each.
/// </summary>
public sealed class ExoSimOptions
{
    /// <summary>Exo's default namespace is its version: nodes of different versions do not see each other.</summary>
    public const string DefaultNamespace = "0.3.70";

    /// <summary><c>--api-port</c> (exo's default 52415); 0 picks a free port.</summary>
    public int ApiPort { get; set; } = 52415;

    /// <summary><c>--namespace</c>: only nodes of the same namespace form a cluster.</summary>
    public string Namespace { get; set; } = DefaultNamespace;

    /// <summary><c>-m/--force-master</c>: this node wins every election it takes part in.</summary>
    public bool ForceMaster { get; set; }

    /// <summary><c>--no-worker</c>: the node runs no model runners and reports no memory, so placement never picks it.</summary>
    public bool NoWorker { get; set; }

    /// <summary><c>OVERRIDE_MEMORY_MB</c>: the RAM the node reports (the simulator's default: 16 GiB).</summary>
    public long MemoryMb { get; set; } = 16 * 1024;

    /// <summary>Disk the node reports (simulator only).</summary>
    public long DiskMb { get; set; } = 256 * 1024;

    /// <summary>The name in <c>nodeIdentities</c> (exo on Linux: the hostname).</summary>
    public string FriendlyName { get; set; } = Environment.MachineName;

    /// <summary>
    /// Simulator discovery (exo uses UDP multicast and zenoh instead): every node writes a file into
    /// <c>{ClusterDirectory}/{Namespace}/</c> and probes the nodes it finds there. <c>--cluster-dir</c> or
    /// <c>EXO_SIM_CLUSTER_DIR</c>; by default one directory per machine, as multicast reaches one LAN.
    /// </summary>
    public string ClusterDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "exo-sim-cluster");

    /// <summary>How often a node probes its peers and the master folds their reports into the state.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A peer that does not answer a probe within this time counts as disconnected.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an election takes after a connect or disconnect (real exo: about 3 s).</summary>
    public TimeSpan ElectionDuration { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The master drops the memory, disk and network entries of a node silent this long (real exo: 30 s).</summary>
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the master deletes instances that use a node missing from the topology (real exo: 10 s).</summary>
    public TimeSpan InstanceSweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Duration of each runner phase: Idle, Loading (two steps), Loaded, WarmingUp, then Ready.</summary>
    public TimeSpan RunnerStepDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Time to generate one token of a chat completion.</summary>
    public TimeSpan TokenDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (ApiPort is < 0 or > 65535)
        {
            throw new ArgumentException($"ApiPort (--api-port) must be 0..65535; got {ApiPort}.", nameof(ApiPort));
        }
        if (string.IsNullOrWhiteSpace(Namespace) || Namespace.IndexOfAny(['/', '\\']) >= 0 || Namespace is "." or "..")
        {
            throw new ArgumentException($"Namespace (--namespace) must be a non-empty name without path separators; got '{Namespace}'.", nameof(Namespace));
        }
        if (MemoryMb <= 0)
        {
            throw new ArgumentException($"MemoryMb (OVERRIDE_MEMORY_MB) must be greater than zero; got {MemoryMb}.", nameof(MemoryMb));
        }
        if (DiskMb <= 0)
        {
            throw new ArgumentException($"DiskMb must be greater than zero; got {DiskMb}.", nameof(DiskMb));
        }
        if (string.IsNullOrWhiteSpace(ClusterDirectory))
        {
            throw new ArgumentException("ClusterDirectory (--cluster-dir) must be set.", nameof(ClusterDirectory));
        }
        RequirePositive(TickInterval, nameof(TickInterval));
        RequirePositive(ProbeTimeout, nameof(ProbeTimeout));
        RequirePositive(ElectionDuration, nameof(ElectionDuration));
        RequirePositive(NodeTimeout, nameof(NodeTimeout));
        RequirePositive(InstanceSweepInterval, nameof(InstanceSweepInterval));
        RequirePositive(RunnerStepDelay, nameof(RunnerStepDelay));
        if (TokenDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"TokenDelay must not be negative; got {TokenDelay}.", nameof(TokenDelay));
        }
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{name} must be greater than zero; got {value}.", name);
        }
    }
}
