namespace Deror.Benchmarks;

/// <summary>How long each benchmark runs; <c>--quick</c> trades precision for a run of about a minute.</summary>
public sealed record RunSettings(
    int LocalWarmupCount,
    int LocalIterationCount,
    int RemoteRounds,
    TimeSpan ThroughputWarmup,
    TimeSpan ThroughputDuration,
    int LatencyRounds,
    int LatencyCallsPerRound,
    int DetectionRounds,
    TimeSpan SoakDuration,
    int ContainerRuns,
    int TaskCount,
    int DeferredTaskCount)
{
    /// <summary>Calls kept in flight in the pipelined throughput runs.</summary>
    public IReadOnlyList<int> InFlightLevels { get; } = [100, 1000];

    /// <summary>Size of the echoed argument, in bytes.</summary>
    public int PayloadSize { get; } = 100;

    public static RunSettings Full { get; } = new(5, 15, 3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), 20, 1_000, 20, TimeSpan.FromMinutes(10), 40, 5_000, 10_000);

    public static RunSettings Quick { get; } = new(2, 5, 2, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 8, 1_000, 5, TimeSpan.FromMinutes(1), 8, 1_000, 1_000);
}
