using Deror.Benchmarks.Grains;
using Deror.Benchmarks.Reporting;
using Deror.TestingHost;

namespace Deror.Benchmarks.Remote;

/// <summary>
/// Client→silo calls over loopback TCP against a raw TCP echo with the same payload and the same calls in flight.
/// A custom load driver (not BenchmarkDotNet) because it needs a fixed number of concurrent calls and per-call
/// latency percentiles. Deror and raw runs alternate, round by round, so the shared machine's noise hits both alike.
/// </summary>
public sealed class RemoteSuite(RunSettings settings)
{
    private const double ThroughputTarget = 0.5;
    private const double LatencyTarget = 2.0;

    public async Task RunAsync(SummaryTable table)
    {
        var payload = new byte[settings.PayloadSize];
        Random.Shared.NextBytes(payload);

        await using var cluster = await InProcessTestCluster.StartAsync();
        await using var server = RawEchoServer.Start();
        await using var client = await RawEchoClient.ConnectAsync(server.EndPoint);
        var grain = cluster.GrainFactory.GetGrain<IEchoGrain>(0);
        await CheckEchoesAsync("Deror", await grain.Echo(payload), payload);
        await CheckEchoesAsync("raw TCP", await client.EchoAsync(payload), payload);

        Task Deror() => grain.Echo(payload);
        Task Raw() => client.EchoAsync(payload);

        // Untimed warm-up of both at the highest load, so tiered JIT has settled before round 1.
        await new ThroughputRun(Deror, settings.InFlightLevels[^1]).MeasureAsync(settings.ThroughputWarmup, settings.ThroughputWarmup);
        await new ThroughputRun(Raw, settings.InFlightLevels[^1]).MeasureAsync(settings.ThroughputWarmup, settings.ThroughputWarmup);

        foreach (var inFlight in settings.InFlightLevels)
        {
            var deror = new List<ThroughputResult>();
            var raw = new List<ThroughputResult>();
            for (var round = 1; round <= settings.RemoteRounds; round++)
            {
                deror.Add(await new ThroughputRun(Deror, inFlight).MeasureAsync(settings.ThroughputWarmup, settings.ThroughputDuration));
                raw.Add(await new ThroughputRun(Raw, inFlight).MeasureAsync(settings.ThroughputWarmup, settings.ThroughputDuration));
                Console.WriteLine(
                    $"[remote] {inFlight} in flight, round {round}: Deror {deror[^1].CallsPerSecond:N0} calls/s ({deror[^1].CpuMicrosecondsPerCall:N1} µs CPU/call), " +
                    $"raw {raw[^1].CallsPerSecond:N0} calls/s ({raw[^1].CpuMicrosecondsPerCall:N1} µs CPU/call)");
            }
            var derorRate = Statistics.Median(deror.Select(r => r.CallsPerSecond).ToList());
            var rawRate = Statistics.Median(raw.Select(r => r.CallsPerSecond).ToList());
            var ratio = derorRate / rawRate;
            table.Add(new SummaryRow(
                $"Pipelined echo, {inFlight} in flight (calls/s, median of {settings.RemoteRounds} rounds)",
                $"{derorRate:N0}",
                $"{rawRate:N0}",
                $"{ratio:P0}",
                "≥ 50% of raw",
                ratio >= ThroughputTarget));
            var derorCpu = Statistics.Median(deror.Select(r => r.CpuMicrosecondsPerCall).ToList());
            var rawCpu = Statistics.Median(raw.Select(r => r.CpuMicrosecondsPerCall).ToList());
            table.Add(new SummaryRow(
                $"Process CPU per call in those rounds, {inFlight} in flight (µs, median)",
                $"{derorCpu:N1} µs",
                $"{rawCpu:N1} µs",
                $"{derorCpu / rawCpu:N2}x",
                "none (diagnostic)",
                null));
        }

        // Many short alternating rounds: a burst of load from elsewhere on the machine lands on both alike.
        var derorLatency = new List<double>();
        var rawLatency = new List<double>();
        await LatencyRun.MeasureAsync(Deror, settings.LatencyCallsPerRound);
        await LatencyRun.MeasureAsync(Raw, settings.LatencyCallsPerRound);
        for (var round = 1; round <= settings.LatencyRounds; round++)
        {
            derorLatency.AddRange(await LatencyRun.MeasureAsync(Deror, settings.LatencyCallsPerRound));
            rawLatency.AddRange(await LatencyRun.MeasureAsync(Raw, settings.LatencyCallsPerRound));
        }
        Console.WriteLine($"[remote] sequential: {settings.LatencyRounds} rounds of {settings.LatencyCallsPerRound} calls each done");
        foreach (var percentile in new[] { 50.0, 99.0 })
        {
            var deror = Statistics.Percentile(derorLatency, percentile);
            var raw = Statistics.Percentile(rawLatency, percentile);
            table.Add(new SummaryRow(
                $"Sequential round trip p{percentile} (µs, {derorLatency.Count:N0} calls each)",
                $"{deror:N1} µs",
                $"{raw:N1} µs",
                $"{deror / raw:N2}x",
                "≤ 2x raw",
                deror / raw <= LatencyTarget));
        }
    }

    private static Task CheckEchoesAsync(string system, byte[] echoed, byte[] sent)
        => echoed.AsSpan().SequenceEqual(sent)
            ? Task.CompletedTask
            : throw new InvalidOperationException($"{system} echoed {echoed.Length} bytes that differ from the {sent.Length} sent.");
}
