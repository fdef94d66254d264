using System.Collections.Concurrent;
using System.Diagnostics;
using Deror.Benchmarks.Processes;
using Deror.Benchmarks.Reporting;
using Deror.Grains;
using Deror.Runtime;

namespace Deror.Benchmarks.Clustering;

/// <summary>
/// A soak for false death declarations: 3 silo processes (default membership options) with both cores kept busy by
/// <c>yes</c> processes and a client calling grains without pause. Nothing is killed, so every Dead row is a false
/// positive of the failure detector; every failed call is counted too.
/// </summary>
public sealed class FalseDeathSoak(RunSettings settings, string logDirectory)
{
    private const int Silos = 3;
    private const int Workers = 8;
    private const int GrainCount = 200;
    private static readonly TimeSpan TablePollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, int> _failures = new();
    private readonly ConcurrentBag<double> _latencies = [];
    private long _succeeded;
    private long _failed;

    public async Task RunAsync(SummaryTable table)
    {
        using var cluster = new SiloProcessCluster($"soak-{Guid.NewGuid():N}"[..13], Silos, logDirectory);
        await cluster.StartAllAsync();
        await using var client = await cluster.ConnectClientAsync();
        var grains = Enumerable.Range(0, GrainCount).Select(i => client.GetGrain<IHelloGrain>($"soak-{i}")).ToArray();

        using var burners = new CpuBurners(Environment.ProcessorCount);
        Console.WriteLine($"[false-deaths] {Environment.ProcessorCount} CPU burners (pids {string.Join(", ", burners.Pids)}), silos pids {string.Join(", ", cluster.Running.Select(s => s.Pid))}, {settings.SoakDuration.TotalMinutes:0.#} min");
        using var stopping = new CancellationTokenSource(settings.SoakDuration);
        var workers = Enumerable.Range(0, Workers).Select(w => DriveAsync(grains, w, stopping.Token)).ToArray();
        var (deadRows, exited) = await WatchMembershipAsync(cluster, stopping.Token);
        await Task.WhenAll(workers);

        foreach (var (failure, count) in _failures)
        {
            Console.WriteLine($"[false-deaths] failure x{count}: {failure}");
        }
        var calls = _succeeded + _failed;
        table.Add(new SummaryRow(
            $"Silos declared Dead without being killed ({settings.SoakDuration.TotalMinutes:0.#} min, {Silos} silos, cores saturated){(deadRows.Count > 0 ? ": " + string.Join(", ", deadRows) : "")}{(exited > 0 ? $"; {exited} silo process(es) exited" : "")}",
            $"{deadRows.Count}",
            "—",
            "—",
            "0",
            deadRows.Count == 0 && exited == 0));
        table.Add(new SummaryRow(
            $"Failed calls during the soak ({Workers} callers, {GrainCount} grains, SayHello with a state write)",
            $"{_failed:N0} of {calls:N0}",
            "—",
            "—",
            "0",
            _failed == 0));
        table.Add(new SummaryRow(
            "Call latency during the soak (p50 / p99 / max)",
            $"{Statistics.Percentile(_latencies, 50):0.0} / {Statistics.Percentile(_latencies, 99):0.0} / {_latencies.Max():0.0} ms",
            "—",
            "—",
            "(none set)",
            true));
    }

    private async Task DriveAsync(IHelloGrain[] grains, int worker, CancellationToken stopping)
    {
        await Task.Yield();
        for (var i = worker; !stopping.IsCancellationRequested; i += Workers)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await grains[i % grains.Length].SayHello("soak");
                _latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                Interlocked.Increment(ref _succeeded);
            }
            catch (Exception e) when (e is DerorException or TimeoutException)
            {
                Interlocked.Increment(ref _failed);
                _failures.AddOrUpdate($"{e.GetType().Name}: {e.Message}", 1, (_, n) => n + 1);
                Console.WriteLine($"[false-deaths] {DateTime.UtcNow:HH:mm:ss.fff} call failed after {Stopwatch.GetElapsedTime(start).TotalMilliseconds:0} ms: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    /// <summary>Polls the table until the soak ends; returns every silo that ever read Dead and how many processes exited.</summary>
    private async Task<(HashSet<SiloAddress> DeadRows, int Exited)> WatchMembershipAsync(SiloProcessCluster cluster, CancellationToken stopping)
    {
        var dead = new HashSet<SiloAddress>();
        var votesSeen = new Dictionary<SiloAddress, int>();
        var clock = Stopwatch.StartNew();
        var nextProgress = ProgressInterval;
        while (!stopping.IsCancellationRequested)
        {
            foreach (var row in (await cluster.MembershipTable.ReadAllAsync(CancellationToken.None)).Rows)
            {
                if (row.Entry.Status == SiloStatus.Dead && dead.Add(row.Entry.SiloAddress))
                {
                    Console.WriteLine($"[false-deaths] {DateTime.UtcNow:HH:mm:ss.fff} FALSE DEATH: {row.Entry.SiloAddress} reads Dead (votes: {string.Join(", ", row.Entry.SuspectVotes.Select(v => $"{v.Suspecter} at {v.Time:HH:mm:ss.fff}"))})");
                }
                // Printed when the number changes: a vote that never becomes a death is still a near miss worth seeing.
                else if (row.Entry.SuspectVotes.Count != votesSeen.GetValueOrDefault(row.Entry.SiloAddress))
                {
                    votesSeen[row.Entry.SiloAddress] = row.Entry.SuspectVotes.Count;
                    Console.WriteLine($"[false-deaths] {DateTime.UtcNow:HH:mm:ss.fff} suspected: {row.Entry.SiloAddress} has {row.Entry.SuspectVotes.Count} vote(s)");
                }
            }
            if (clock.Elapsed >= nextProgress)
            {
                nextProgress += ProgressInterval;
                Console.WriteLine($"[false-deaths] {clock.Elapsed.TotalMinutes:0.0} min: {Interlocked.Read(ref _succeeded):N0} calls ok, {Interlocked.Read(ref _failed):N0} failed, {dead.Count} declared dead, load {File.ReadAllText("/proc/loadavg").Trim()}");
            }
            await Task.Delay(TablePollInterval, CancellationToken.None);
        }
        var exited = Silos - cluster.Running.Count();
        return (dead, exited);
    }
}
