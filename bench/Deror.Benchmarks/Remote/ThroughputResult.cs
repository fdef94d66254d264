namespace Deror.Benchmarks.Remote;

/// <summary>
/// One timed throughput window. <see cref="CpuMicrosecondsPerCall"/> is the whole process's CPU time over the window
/// divided by the calls completed in it: on a shared machine it moves much less than calls/s, because time spent
/// waiting for a core taken by someone else is not counted.
/// </summary>
public sealed record ThroughputResult(double CallsPerSecond, double CpuMicrosecondsPerCall);
