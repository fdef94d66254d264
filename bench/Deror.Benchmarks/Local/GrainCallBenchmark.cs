using BenchmarkDotNet.Attributes;
using Deror.Benchmarks.Grains;
using Deror.TestingHost;

namespace Deror.Benchmarks.Local;

/// <summary>
/// In-silo grain-to-grain call against a direct interface call. One client call makes a caller grain ping
/// another grain <see cref="CallsPerInvoke"/> times in a row, so the client round trip is amortised over all of
/// them and what is measured is the in-silo path: message, copy, activation queue, turn scheduling, response.
/// </summary>
public class GrainCallBenchmark
{
    public const int CallsPerInvoke = 2_000;
    private const long TargetKey = 1;

    private readonly PlainPing _plain = new();
    private InProcessTestCluster? _cluster;
    private IPingCallerGrain? _caller;

    [GlobalSetup]
    public async Task StartClusterAsync()
    {
        _cluster = await InProcessTestCluster.StartAsync();
        _caller = _cluster.GrainFactory.GetGrain<IPingCallerGrain>(0);
        // Activates both grains, so activation is not measured.
        await _caller.PingMany(TargetKey, 10);
    }

    [GlobalCleanup]
    public async Task StopClusterAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = CallsPerInvoke)]
    public Task<int> DirectInterfaceCall() => PingLoop.RunAsync(_plain, CallsPerInvoke);

    [Benchmark(OperationsPerInvoke = CallsPerInvoke)]
    public Task<int> GrainToGrainCall() => _caller!.PingMany(TargetKey, CallsPerInvoke);
}
