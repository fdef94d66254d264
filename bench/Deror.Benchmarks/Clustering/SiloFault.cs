namespace Deror.Benchmarks.Clustering;

/// <summary>How the detection suite takes a silo down.</summary>
public enum SiloFault
{
    /// <summary>SIGKILL: the kernel closes its sockets, so probes fail at once (connection refused).</summary>
    Kill,

    /// <summary>SIGSTOP: its sockets stay open and silent, as a hung or partitioned machine; probes wait out their timeout.</summary>
    Pause,
}
