using Deror.Grains;

namespace Deror.Http.Tests;

/// <summary>
/// Plays a node's sidecar against the real grains: heartbeats every 100 ms with a healthy Exo (or, with
/// <see cref="ExoDown"/>, one that refuses connections), runs assigned tasks with <see cref="Execute"/> and follows the
/// drain and maintenance protocol (stop Exo, report drained; start Exo, report maintained). The real
/// agent is tested against real processes in its own project; this double makes every lifecycle edge deterministic.
/// </summary>
public sealed class FakeSidecar : IAsyncDisposable
{
    private readonly IGrainFactory _grains;
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<(string, int)> _started = [];
    private Task? _loop;
    private bool _exoStopped;

    public FakeSidecar(IGrainFactory grains, string node)
    {
        _grains = grains;
        Node = node;
    }

    public string Node { get; }

    /// <summary>While set, heartbeats report that Exo does not answer (as after the Exo process was killed).</summary>
    public bool ExoDown { get; set; }

    /// <summary>What running a task does; by default it prints a line and completes.</summary>
    public Func<TaskAssignment, Task<TaskOutcome>> Execute { get; set; } = assignment
        => Task.FromResult(new TaskOutcome { Succeeded = true, ExitCode = 0, Result = "\"done\"", Logs = $"hello from {assignment.Spec.Name}\n" });

    private INodeGrain Grain => _grains.GetGrain<INodeGrain>(Node);

    public FakeSidecar Start()
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var directive = await Grain.Heartbeat(Observe());
                    await RunAsync(directive);
                    await Task.Delay(100, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Exception)
                {
                    // The grains may be busy or moving; a real sidecar retries too.
                }
            }
        });
        return this;
    }

    private NodeObservation Observe() => new()
    {
        ObservedAt = DateTimeOffset.UtcNow,
        Silo = "test",
        Process = _exoStopped ? ExoProcessStatus.Stopped : ExoProcessStatus.Running,
        ExoNodeId = ExoDown || _exoStopped ? null : "exo-" + Node,
        ProbeError = ExoDown || _exoStopped ? "connection refused" : null,
        InTopology = !ExoDown && !_exoStopped,
        Capacity = new NodeCapacity { CpuCores = 4, MemoryTotalBytes = 8L << 30, MemoryAvailableBytes = 8L << 30, Backends = ["MlxCpu"] },
        Handlers = ["echo", "noop"],
    };

    private async Task RunAsync(NodeDirective directive)
    {
        switch (directive.Mode)
        {
            case NodeMode.Drain:
                _exoStopped = true;
                await Grain.ReportDrained();
                return;
            case NodeMode.Maintain:
                _exoStopped = false;
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
            await task.ReportStarted(Node, assignment.Attempt);
            _ = Task.Run(async () => await task.ReportFinished(Node, assignment.Attempt, await Execute(assignment)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
        _stop.Dispose();
    }
}
