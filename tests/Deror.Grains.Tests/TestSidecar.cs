using Deror.Grains;

namespace Deror.Grains.Tests;

/// <summary>
/// Plays a node's sidecar against the real grains: sends heartbeats with a chosen observation and executes the
/// directive's tasks with a chosen behaviour. The real agent (src/Agent) has its own tests against real processes;
/// this double lets the grain tests drive every lifecycle edge deterministically.
/// </summary>
public sealed class TestSidecar : IAsyncDisposable
{
    private readonly IGrainFactory _grains;
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<(string, int)> _started = [];
    private Task? _loop;
    private int _executions;

    public TestSidecar(IGrainFactory grains, string node, double cpuCores, long memoryBytes)
    {
        _grains = grains;
        Node = node;
        Observation = new NodeObservation
        {
            Silo = "test",
            Process = ExoProcessStatus.Running,
            ExoNodeId = "exo-" + node,
            InTopology = true,
            Capacity = new NodeCapacity { CpuCores = cpuCores, MemoryTotalBytes = memoryBytes, MemoryAvailableBytes = memoryBytes, Backends = ["MlxCpu"] },
            // The handler the tests' handler tasks name; tests of placement by handler advertise others.
            Handlers = ["noop"],
        };
    }

    public string Node { get; }

    public INodeGrain Grain => _grains.GetGrain<INodeGrain>(Node);

    /// <summary>What the next heartbeats report.</summary>
    public NodeObservation Observation { get; set; }

    /// <summary>What executing a task does; by default it completes at once with "done".</summary>
    public Func<TaskAssignment, Task<TaskOutcome?>> Execute { get; set; } = _ => Task.FromResult<TaskOutcome?>(new TaskOutcome { Succeeded = true, Result = "\"done\"", ExitCode = 0 });

    /// <summary>How many attempts this sidecar has executed.</summary>
    public int Executions => Volatile.Read(ref _executions);

    /// <summary>
    /// Report each start before executing (the default), or, as the real agent does for a short attempt, send the
    /// start with the end in one <see cref="ITaskGrain.ReportFinished"/> (<see cref="TaskOutcome.StartedAt"/>).
    /// </summary>
    public bool ReportsStart { get; set; } = true;

    /// <summary>Follow the drain and maintenance protocol when the directive asks for it.</summary>
    public bool FollowsMaintenance { get; set; } = true;

    public List<NodeDirective> Directives { get; } = [];

    public Task<NodeDirective> HeartbeatAsync() => Grain.Heartbeat(Observation with { ObservedAt = DateTimeOffset.UtcNow });

    /// <summary>Heartbeats every 200 ms and runs what the directive says until stopped (a silent sidecar stops heartbeating).</summary>
    public TestSidecar Start()
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var directive = await HeartbeatAsync();
                    lock (Directives)
                    {
                        Directives.Add(directive);
                    }
                    await ActAsync(directive);
                    await Task.Delay(200, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Exception)
                {
                    // The grain side may be restarting; a real sidecar retries too.
                }
            }
        });
        return this;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
    }

    private async Task ActAsync(NodeDirective directive)
    {
        switch (directive.Mode)
        {
            case NodeMode.Drain when FollowsMaintenance:
                Observation = Observation with { Process = ExoProcessStatus.Stopped, ExoNodeId = null, InTopology = false };
                await Grain.ReportDrained();
                return;
            case NodeMode.Maintain when FollowsMaintenance:
                Observation = Observation with { Process = ExoProcessStatus.Running, ExoNodeId = "exo-" + Node + "-" + Guid.NewGuid().ToString("N")[..4], InTopology = true };
                await Grain.ReportMaintained();
                return;
        }
        foreach (var assignment in directive.Tasks)
        {
            if (!_started.Add((assignment.TaskId, assignment.Attempt)))
            {
                continue;
            }
            var task = _grains.GetGrain<ITaskGrain>(assignment.TaskId);
            _ = Task.Run(async () =>
            {
                // A staged assignment is held until its time, as the real sidecar holds it.
                while (assignment.NotBefore - DateTimeOffset.UtcNow is { Ticks: > 0 } wait)
                {
                    await Task.Delay(wait);
                }
                var startedAt = DateTimeOffset.UtcNow;
                if (ReportsStart)
                {
                    await task.ReportStarted(Node, assignment.Attempt);
                }
                Interlocked.Increment(ref _executions);
                var outcome = await Execute(assignment);
                if (outcome is not null)
                {
                    await task.ReportFinished(Node, assignment.Attempt, ReportsStart ? outcome : outcome with { StartedAt = startedAt });
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
