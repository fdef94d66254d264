using System.Diagnostics;
using Deror.Benchmarks.Reporting;
using Deror.Client;
using Deror.Grains;

namespace Deror.Benchmarks.Tasks;

/// <summary>
/// The domain end to end on `deror up --nodes 3` (three silo processes beside three simulated Exo nodes, the embedded
/// SQLite store): throughput of code-defined no-op tasks (submit → schedule → run on a node's sidecar → complete),
/// against the simplest durable unit of work through the same cluster — a grain call that persists its state once
/// (<c>IHelloGrain.SayHello</c>) — at the same number in flight, with the store writes and events per task read from
/// the silos' <c>/metrics</c>; and the lateness of deferred starts: how late each of a batch of tasks all due at one
/// instant started on its node.
/// </summary>
public sealed class TaskSuite(RunSettings settings, string logDirectory)
{
    /// <summary>
    /// Submitted-and-awaited tasks kept in flight. A task's path holds three group-committed store writes in a row, so
    /// at 200 the cluster waits on the store with CPU to spare: throughput is measured at 500, which keeps the cores
    /// busy, and 200 is reported beside it.
    /// </summary>
    private static readonly int[] InFlightLevels = [500, 200];
    private const int DeferredSubmitsInFlight = 200;
    private const double ThroughputTarget = 1_000;
    private const double LatenessTargetMs = 250;

    /// <summary>The silos' histogram of how late durable jobs fire (<c>deror.jobs.lateness</c>): the runtime's share of the lateness.</summary>
    private const string JobLatenessMetric = "deror_jobs_lateness_milliseconds";

    public async Task RunAsync(SummaryTable table)
    {
        await using var cluster = await LocalClusterProcess.StartAsync(nodes: 3, basePort: 41000, logDirectory);
        var settingsForClient = new DerorClientSettings { ClusterId = "local" };
        foreach (var gateway in cluster.Gateways)
        {
            settingsForClient.Gateways.Add(gateway);
        }
        await using var client = await DerorClient.ConnectAsync(settingsForClient);
        var manager = new ClusterManager(client, "local");

        var count = settings.TaskCount;
        // Long enough for the silos' tiered JIT to settle: a short warm-up measures the compiler, not the cluster.
        await RunTasksAsync(manager, count, InFlightLevels[0], "warm-up");
        foreach (var inFlight in InFlightLevels)
        {
            var writesBefore = await cluster.SumCounterAsync("deror_state_writes_total");
            var eventsBefore = await cluster.SumCounterAsync("deror_events_appended_total");
            var phases = new TaskPhases();
            var tasksPerSecond = await RunTasksAsync(manager, count, inFlight, "measured", phases);
            var writesPerTask = (await cluster.SumCounterAsync("deror_state_writes_total") - writesBefore) / count;
            var eventsPerTask = (await cluster.SumCounterAsync("deror_events_appended_total") - eventsBefore) / count;
            var callsPerSecond = await RunPersistedCallsAsync(client, count, inFlight);
            Console.WriteLine($"[tasks] {inFlight} in flight: {tasksPerSecond:N0} tasks/s, {writesPerTask:N1} state writes and {eventsPerTask:N1} events per task; {callsPerSecond:N0} persisted calls/s");
            Console.WriteLine($"[tasks] {inFlight} in flight, phases (p50 / p99): {phases}");
            var measured = inFlight == InFlightLevels[0];
            table.Add(new SummaryRow(
                $"tasks/s, no-op handler tasks, 3 silos on SQLite, {inFlight} in flight ({writesPerTask:N1} state writes + {eventsPerTask:N1} events per task)",
                $"{tasksPerSecond:N0}/s",
                $"{callsPerSecond:N0}/s persisted grain calls",
                $"{tasksPerSecond / callsPerSecond:N2}x",
                measured ? $"≥ {ThroughputTarget:N0}/s" : "(context)",
                measured ? tasksPerSecond >= ThroughputTarget : null));
        }

        var firingsBefore = await cluster.SumHistogramAsync(JobLatenessMetric);
        var (p50, p99, stagedInTime) = await DeferredLatenessAsync(manager, settings.DeferredTaskCount);
        var firings = Delta(firingsBefore, await cluster.SumHistogramAsync(JobLatenessMetric));
        var (jobP50, jobP99) = (BucketPercentile(firings, 50), BucketPercentile(firings, 99));
        var (jobP50Text, jobP99Text) = (BucketText(firings, jobP50), BucketText(firings, jobP99));
        Console.WriteLine($"[tasks] deferred: started p50 {p50:N0} / p99 {p99:N0} ms after due; {stagedInTime:N0} staged on a node before due; {firings[^1].Count:N0} staging jobs fired, p50 {jobP50Text} / p99 {jobP99Text} ms after their own due time");
        table.Add(new SummaryRow($"deferred start lateness, {settings.DeferredTaskCount:N0} tasks due at one instant: task started on its node (p50 / p99; {stagedInTime:N0} staged before due)",
            $"{p50:N0} / {p99:N0} ms", "—", "—", $"p99 ≤ {LatenessTargetMs:N0} ms", p99 <= LatenessTargetMs));
        table.Add(new SummaryRow($"the same tasks' staging jobs: fired after their own due time (p50 / p99, bucket bounds)",
            $"{jobP50Text} / {jobP99Text} ms", "—", "—", "(none set)", null));
    }

    /// <summary>Submits <paramref name="count"/> no-op tasks, <paramref name="inFlight"/> at a time; tasks/s until the last completed.</summary>
    private static async Task<double> RunTasksAsync(ClusterManager manager, int count, int inFlight, string label, TaskPhases? phases = null)
    {
        Console.WriteLine($"[tasks] {label}: {count:N0} no-op tasks, {inFlight} in flight");
        var run = Guid.NewGuid().ToString("N")[..8];
        var completedBefore = (await manager.ListTasksAsync(TaskState.Completed, 0, 1)).Total;
        var start = Stopwatch.GetTimestamp();
        using var gate = new SemaphoreSlim(inFlight);
        var submits = Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var submitted = DateTimeOffset.UtcNow;
                var task = await manager.SubmitAsync(TaskSpecs.Handler($"bench-{run}-{i}", "noop"));
                var accepted = DateTimeOffset.UtcNow;
                var info = await task.WaitAsync(TimeSpan.FromMinutes(5));
                phases?.Add(submitted, accepted, DateTimeOffset.UtcNow, info);
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(submits);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var completed = (await manager.ListTasksAsync(TaskState.Completed, 0, 1)).Total - completedBefore;
        if (completed < count)
        {
            throw new InvalidOperationException($"Only {completed} of {count} {label} tasks are listed as completed.");
        }
        return count / seconds;
    }

    private static async Task<double> RunPersistedCallsAsync(DerorClient client, int count, int inFlight)
    {
        // A new grain per call, as every task is a new task grain: activation, one state write.
        var run = Guid.NewGuid().ToString("N")[..8];
        var start = Stopwatch.GetTimestamp();
        using var gate = new SemaphoreSlim(inFlight);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                await client.GetGrain<IHelloGrain>($"bench-{run}-{i}").SayHello("bench");
            }
            finally
            {
                gate.Release();
            }
        }));
        return count / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static (double UpperBound, double Count)[] Delta(IReadOnlyList<(double UpperBound, double Count)> before, IReadOnlyList<(double UpperBound, double Count)> after)
    {
        if (after.Count == 0)
        {
            throw new InvalidOperationException($"The silos export no {JobLatenessMetric} histogram; no durable job fired.");
        }
        return [.. after.Select(b => (b.UpperBound, b.Count - before.FirstOrDefault(x => x.UpperBound == b.UpperBound).Count))];
    }

    /// <summary>The upper bound of the first bucket holding the <paramref name="percentile"/>th value (cumulative counts).</summary>
    private static double BucketPercentile((double UpperBound, double Count)[] cumulative, double percentile)
    {
        var rank = cumulative[^1].Count * percentile / 100;
        return cumulative.First(b => b.Count >= rank).UpperBound;
    }

    /// <summary>"≤ bound", or "&gt; largest finite bound" for the overflow bucket.</summary>
    private static string BucketText((double UpperBound, double Count)[] cumulative, double bound)
        => double.IsPositiveInfinity(bound) ? $"> {cumulative.Where(b => !double.IsPositiveInfinity(b.UpperBound)).Max(b => b.UpperBound):N0}" : $"≤ {bound:N0}";

    /// <summary>
    /// Submits <paramref name="count"/> tasks due at one instant and measures how late each started (its node's clock),
    /// and how many were staged on their node before it.
    /// </summary>
    private static async Task<(double P50, double P99, int StagedInTime)> DeferredLatenessAsync(ClusterManager manager, int count)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        // Far enough ahead that submitting them all finishes first (checked below).
        var due = DateTimeOffset.UtcNow.AddSeconds(10 + count / 200);
        Console.WriteLine($"[tasks] deferred: {count:N0} tasks due at {due:HH:mm:ss.fff}");
        using var gate = new SemaphoreSlim(DeferredSubmitsInFlight);
        var handles = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                return await manager.SubmitAsync(TaskSpecs.Handler($"deferred-{run}-{i}", "noop") with { RunAt = due });
            }
            finally
            {
                gate.Release();
            }
        }));
        if (DateTimeOffset.UtcNow >= due)
        {
            throw new InvalidOperationException("Submitting the deferred tasks took longer than their deferral; the lateness would be meaningless.");
        }
        var lateness = await Task.WhenAll(handles.Select(async h =>
        {
            await gate.WaitAsync();
            try
            {
                var info = await h.WaitAsync(TimeSpan.FromMinutes(5));
                if (info is not { State: TaskState.Completed, StartedAt: { } startedAt })
                {
                    throw new InvalidOperationException($"Deferred task {info.Id} ended {info.State} ({info.Reason}).");
                }
                return (Lateness: (startedAt - due).TotalMilliseconds, Staged: info.ScheduledAt <= due);
            }
            finally
            {
                gate.Release();
            }
        }));
        var late = lateness.Select(l => l.Lateness).ToArray();
        return (Statistics.Percentile(late, 50), Statistics.Percentile(late, 99), lateness.Count(l => l.Staged));
    }
}
