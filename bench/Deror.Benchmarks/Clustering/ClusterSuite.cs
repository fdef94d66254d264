using Deror.Benchmarks.Grains;
using Deror.Benchmarks.Remote;
using Deror.Benchmarks.Reporting;
using Deror.Runtime.Catalog;
using Deror.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Benchmarks.Clustering;

/// <summary>
/// Grain→grain calls between two silos (an in-process cluster over loopback TCP) against the raw TCP echo with the
/// same payload and the same calls in flight. The caller grain drives the load from its silo, so the measured path
/// is silo→silo only. Deror and raw rounds alternate, as in the client→silo suite.
/// </summary>
public sealed class ClusterSuite(RunSettings settings)
{
    // The client→silo suite's targets, applied to the silo→silo hop.
    private const double ThroughputTarget = 0.5;
    private const double LatencyTarget = 2.0;
    private const long CallerKey = 0;
    // A call longer than the default 30 s response timeout would fail, so each throughput round is one call well under it.
    private static readonly TimeSpan MaxRound = TimeSpan.FromSeconds(20);

    public async Task RunAsync(SummaryTable table)
    {
        if (settings.ThroughputWarmup + settings.ThroughputDuration > MaxRound)
        {
            throw new InvalidOperationException($"A throughput round must stay under {MaxRound.TotalSeconds} s.");
        }
        var payload = new byte[settings.PayloadSize];
        Random.Shared.NextBytes(payload);

        await using var cluster = await InProcessTestCluster.StartAsync(silos: 2);
        await using var server = RawEchoServer.Start();
        await using var client = await RawEchoClient.ConnectAsync(server.EndPoint);
        var caller = cluster.GrainFactory.GetGrain<ICrossSiloCallerGrain>(CallerKey);
        var echoKey = await PlaceEchoAwayFromCallerAsync(cluster, caller, payload);

        Task<double> DerorThroughput(int inFlight, TimeSpan duration)
            => caller.MeasureThroughput(echoKey, payload, inFlight, settings.ThroughputWarmup, duration);
        async Task<double> RawThroughput(int inFlight, TimeSpan duration)
            => (await new ThroughputRun(() => client.EchoAsync(payload), inFlight).MeasureAsync(settings.ThroughputWarmup, duration)).CallsPerSecond;

        // Untimed warm-up of both at the highest load, so tiered JIT has settled before round 1.
        await DerorThroughput(settings.InFlightLevels[^1], settings.ThroughputWarmup);
        await RawThroughput(settings.InFlightLevels[^1], settings.ThroughputWarmup);

        foreach (var inFlight in settings.InFlightLevels)
        {
            var deror = new List<double>();
            var raw = new List<double>();
            for (var round = 1; round <= settings.RemoteRounds; round++)
            {
                deror.Add(await DerorThroughput(inFlight, settings.ThroughputDuration));
                raw.Add(await RawThroughput(inFlight, settings.ThroughputDuration));
                Console.WriteLine($"[cluster] {inFlight} in flight, round {round}: Deror silo→silo {deror[^1]:N0} calls/s, raw {raw[^1]:N0} calls/s");
            }
            var ratio = Statistics.Median(deror) / Statistics.Median(raw);
            table.Add(new SummaryRow(
                $"Silo→silo grain echo, {inFlight} in flight (calls/s, median of {settings.RemoteRounds} rounds)",
                $"{Statistics.Median(deror):N0}",
                $"{Statistics.Median(raw):N0}",
                $"{ratio:P0}",
                "≥ 50% of raw",
                ratio >= ThroughputTarget));
        }

        // Many short alternating rounds: a burst of load from elsewhere on the machine lands on both alike.
        var derorLatency = new List<double>();
        var rawLatency = new List<double>();
        await caller.MeasureLatency(echoKey, payload, settings.LatencyCallsPerRound);
        await LatencyRun.MeasureAsync(() => client.EchoAsync(payload), settings.LatencyCallsPerRound);
        for (var round = 1; round <= settings.LatencyRounds; round++)
        {
            derorLatency.AddRange(await caller.MeasureLatency(echoKey, payload, settings.LatencyCallsPerRound));
            rawLatency.AddRange(await LatencyRun.MeasureAsync(() => client.EchoAsync(payload), settings.LatencyCallsPerRound));
        }
        Console.WriteLine($"[cluster] sequential: {settings.LatencyRounds} rounds of {settings.LatencyCallsPerRound} calls each done");
        foreach (var percentile in new[] { 50.0, 99.0 })
        {
            var deror = Statistics.Percentile(derorLatency, percentile);
            var raw = Statistics.Percentile(rawLatency, percentile);
            table.Add(new SummaryRow(
                $"Silo→silo sequential round trip p{percentile} (µs, {derorLatency.Count:N0} calls each)",
                $"{deror:N1} µs",
                $"{raw:N1} µs",
                $"{deror / raw:N2}x",
                "≤ 2x raw",
                deror / raw <= LatencyTarget));
        }
    }

    /// <summary>Activates the caller, then echo grains until one lives on the other silo; returns that echo's key.</summary>
    private static async Task<long> PlaceEchoAwayFromCallerAsync(InProcessTestCluster cluster, ICrossSiloCallerGrain caller, byte[] payload)
    {
        await caller.MeasureLatency(echoKey: 0, payload, calls: 1);
        var callerSilo = SiloHosting(cluster, caller.GetGrainId());
        for (long key = 1; key <= 100; key++)
        {
            await cluster.GrainFactory.GetGrain<IEchoGrain>(key).Echo(payload);
            var echoSilo = SiloHosting(cluster, cluster.GrainFactory.GetGrain<IEchoGrain>(key).GetGrainId());
            if (echoSilo != callerSilo)
            {
                Console.WriteLine($"[cluster] caller on {cluster.Silos[callerSilo]}, echo {key} on {cluster.Silos[echoSilo]}");
                return key;
            }
        }
        throw new InvalidOperationException("No echo grain out of 100 was placed away from the caller.");
    }

    private static int SiloHosting(InProcessTestCluster cluster, GrainId grainId)
    {
        for (var i = 0; i < cluster.Silos.Count; i++)
        {
            if (cluster.Silos[i].Services.GetRequiredService<Catalog>().TryGetActivation(grainId, out _))
            {
                return i;
            }
        }
        throw new InvalidOperationException($"Grain {grainId} is active on no silo.");
    }
}
