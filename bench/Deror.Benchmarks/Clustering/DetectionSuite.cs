using System.Diagnostics;
using System.Runtime.CompilerServices;
using Deror.Benchmarks.Processes;
using Deror.Benchmarks.Reporting;
using Deror.Client;
using Deror.Grains;
using Deror.Runtime;

namespace Deror.Benchmarks.Clustering;

/// <summary>
/// Failure detection with real processes: 3 silos on one SQLite store with default membership options. Each round
/// takes one silo down (rotating; SIGKILL, or SIGSTOP for a silo that hangs), times its death declaration (polling
/// the table every 20 ms) and the return of a grain that lived on it (per the grain directory), then restarts it so
/// the next round starts with 3 again.
/// </summary>
public sealed class DetectionSuite(RunSettings settings, SiloFault fault, string logDirectory)
{
    private const int Silos = 3;
    private const int GrainsPerRound = 30;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan RoundDeadline = TimeSpan.FromSeconds(30);
    // A call that hangs on a dead silo must not hide a retry that would already succeed; SayHello takes milliseconds.
    private static readonly TimeSpan CallAttemptTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan DetectionTarget = TimeSpan.FromSeconds(5);
    private static readonly GrainType HelloGrainType = new("hello");
    // A paused silo, once resumed, must notice it was declared dead and stop itself.
    private static readonly TimeSpan ResumedExitTimeout = TimeSpan.FromSeconds(30);

    public async Task RunAsync(SummaryTable table)
    {
        using var cluster = new SiloProcessCluster($"detect-{Guid.NewGuid():N}"[..15], Silos, logDirectory);
        await cluster.StartAllAsync();
        var rounds = new List<DetectionRound>();
        for (var round = 1; round <= settings.DetectionRounds; round++)
        {
            var result = await RunRoundAsync(cluster, round, slot: (round - 1) % Silos);
            rounds.Add(result);
            Console.WriteLine($"[detection] round {round}: {Verb} slot {result.Slot} ({result.VictimGrains} of its grains tracked): dead after {Format(result.DeclaredDead)}, first grain back after {Format(result.FirstGrainBack)}, all back after {Format(result.AllGrainsBack)}, {result.HungAfterDead} attempt(s) started after Dead hung {CallAttemptTimeout.TotalMilliseconds:0} ms");
        }
        Report(table, rounds);
    }

    private string Verb => fault == SiloFault.Kill ? "killed" : "paused";

    private string Event => fault == SiloFault.Kill ? "Kill (SIGKILL)" : "Pause (SIGSTOP)";

    private async Task<DetectionRound> RunRoundAsync(SiloProcessCluster cluster, int round, int slot)
    {
        var victim = await cluster.CurrentAddressAsync(slot);
        await using var client = await cluster.ConnectClientAsync();
        var victimGrains = await ActivateGrainsOnAsync(cluster, client, victim, round);

        var killedAt = Stopwatch.StartNew();
        await cluster[slot].SignalAsync(fault == SiloFault.Kill ? "KILL" : "STOP");
        var declaredDead = WaitForDeadAsync(cluster, victim, killedAt);
        var hungAfterDead = new StrongBox<int>();
        var grainsBack = victimGrains.Select(g => WaitForAnswerAsync(g, killedAt, declaredDead, hungAfterDead)).ToArray();
        var dead = await declaredDead;
        var back = await Task.WhenAll(grainsBack);

        if (fault == SiloFault.Pause)
        {
            await cluster[slot].SignalAsync("CONT");
            if (!await cluster[slot].WaitForExitAsync(ResumedExitTimeout))
            {
                Console.WriteLine($"[detection] round {round}: the resumed silo (pid {cluster[slot].Pid}) still runs after {ResumedExitTimeout.TotalSeconds:0} s; killing it");
                await cluster[slot].SignalAsync("KILL");
            }
        }
        await cluster[slot].WaitForExitAsync(ResumedExitTimeout);
        cluster.Start(slot);
        await cluster.WaitForActiveAsync(Silos, TimeSpan.FromSeconds(60));
        var answered = back.OfType<double>().ToArray();
        return new DetectionRound(
            round,
            slot,
            victimGrains.Length,
            dead,
            answered.Length > 0 ? answered.Min() : null,
            answered.Length == back.Length ? answered.Max() : null,
            hungAfterDead.Value);
    }

    /// <summary>Activates grains until some live on <paramref name="victim"/> (the directory says where each one lives).</summary>
    private static async Task<IHelloGrain[]> ActivateGrainsOnAsync(SiloProcessCluster cluster, DerorClient client, SiloAddress victim, int round)
    {
        var onVictim = new List<IHelloGrain>();
        for (var batch = 0; onVictim.Count == 0; batch++)
        {
            var keys = Enumerable.Range(batch * GrainsPerRound, GrainsPerRound).Select(i => $"detect-{round}-{i}").ToArray();
            await Task.WhenAll(keys.Select(k => client.GetGrain<IHelloGrain>(k).SayHello("bench")));
            foreach (var key in keys)
            {
                var address = await cluster.GrainDirectory.LookupAsync(GrainId.Create(HelloGrainType, key))
                    ?? throw new InvalidOperationException($"Grain hello/{key} answered but is not in the grain directory.");
                if (address.SiloAddress.Equals(victim))
                {
                    onVictim.Add(client.GetGrain<IHelloGrain>(key));
                }
            }
        }
        return [.. onVictim];
    }

    private static async Task<double?> WaitForDeadAsync(SiloProcessCluster cluster, SiloAddress victim, Stopwatch killedAt)
    {
        while (killedAt.Elapsed < RoundDeadline)
        {
            if ((await cluster.MembershipTable.ReadAllAsync()).Find(victim)?.Entry.Status == SiloStatus.Dead)
            {
                return killedAt.Elapsed.TotalSeconds;
            }
            await Task.Delay(PollInterval);
        }
        return null;
    }

    private static async Task<double?> WaitForAnswerAsync(IHelloGrain grain, Stopwatch killedAt, Task<double?> declaredDead, StrongBox<int> hungAfterDead)
    {
        while (killedAt.Elapsed < RoundDeadline)
        {
            var startedAfterDead = declaredDead.IsCompletedSuccessfully && declaredDead.Result is not null;
            try
            {
                await grain.SayHello("after-kill").WaitAsync(CallAttemptTimeout);
                return killedAt.Elapsed.TotalSeconds;
            }
            catch (TimeoutException) when (startedAfterDead)
            {
                Interlocked.Increment(ref hungAfterDead.Value);
            }
            catch (Exception e) when (e is DerorException or TimeoutException)
            {
                await Task.Delay(PollInterval);
            }
        }
        return null;
    }

    private void Report(SummaryTable table, List<DetectionRound> rounds)
    {
        var dead = rounds.Select(r => r.DeclaredDead).OfType<double>().ToArray();
        var first = rounds.Select(r => r.FirstGrainBack).OfType<double>().ToArray();
        var all = rounds.Select(r => r.AllGrainsBack).OfType<double>().ToArray();
        var missedDead = rounds.Count - dead.Length;
        table.Add(new SummaryRow(
            $"{Event} → row reads Dead, {rounds.Count} rounds (p50 / p95 / max){Missed(missedDead)}",
            Percentiles(dead),
            "—",
            "—",
            $"< {DetectionTarget.TotalSeconds:0} s",
            missedDead == 0 && dead.Max() < DetectionTarget.TotalSeconds));
        table.Add(new SummaryRow(
            $"{Event} → first successful call to a grain that lived on the victim, {rounds.Count} rounds (p50 / p95 / max){Missed(rounds.Count - first.Length)}",
            Percentiles(first),
            "—",
            "—",
            "(none set)",
            rounds.Count == first.Length));
        table.Add(new SummaryRow(
            $"{Event} → every tracked grain of the victim answered, {rounds.Count} rounds (p50 / p95 / max){Missed(rounds.Count - all.Length)}",
            Percentiles(all),
            "—",
            "—",
            "(none set)",
            rounds.Count == all.Length));
        var hung = rounds.Sum(r => r.HungAfterDead);
        table.Add(new SummaryRow(
            $"Call attempts to the victim's grains started after it read Dead that still hung {CallAttemptTimeout.TotalMilliseconds:0} ms, {rounds.Count} rounds (rounds with any)",
            $"{hung} ({rounds.Count(r => r.HungAfterDead > 0)})",
            "—",
            "—",
            "0",
            hung == 0));
    }

    private static string Percentiles(double[] seconds)
        => seconds.Length == 0
            ? "none"
            : $"{Statistics.Percentile(seconds, 50):0.00} / {Statistics.Percentile(seconds, 95):0.00} / {seconds.Max():0.00} s";

    private static string Missed(int count) => count == 0 ? "" : $" — {count} round(s) past the {RoundDeadline.TotalSeconds:0} s deadline";

    private static string Format(double? seconds) => seconds is { } s ? $"{s:0.00} s" : $"> {RoundDeadline.TotalSeconds:0} s";
}
