using System.Collections.Concurrent;
using System.Diagnostics;
using Deror.Grains;

namespace Deror.Cli.Tests;

/// <summary>
/// Plays one node's sidecar against the real grains until the real agent (src/Agent) is on main: heartbeats a
/// healthy Exo, runs process tasks as real processes (exit code and output reported), follows drain and maintenance.
/// </summary>
public sealed class ProcessSidecar : IAsyncDisposable
{
    private readonly IGrainFactory _grains;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<(string TaskId, int Attempt), Process> _running = new();
    private readonly Task _loop;
    private NodeObservation _observation;

    public ProcessSidecar(IGrainFactory grains, string node)
    {
        _grains = grains;
        Node = node;
        _observation = new NodeObservation
        {
            Silo = "test",
            Process = ExoProcessStatus.Running,
            ExoNodeId = "exo-" + node,
            InTopology = true,
            ClusterNodeCount = 1,
            Capacity = new NodeCapacity { CpuCores = 4, MemoryTotalBytes = 8L << 30, MemoryAvailableBytes = 8L << 30, Backends = ["MlxCpu"] },
        };
        _loop = Task.Run(LoopAsync);
    }

    public string Node { get; }

    private INodeGrain Grain => _grains.GetGrain<INodeGrain>(Node);

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var directive = await Grain.Heartbeat(_observation with { ObservedAt = DateTimeOffset.UtcNow, RunningTasks = [.. _running.Keys.Select(k => k.TaskId)] });
                await ActAsync(directive);
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                await Task.Delay(100); // the silo may be busy; a real sidecar retries too
            }
        }
    }

    private async Task ActAsync(NodeDirective directive)
    {
        switch (directive.Mode)
        {
            case NodeMode.Drain:
                _observation = _observation with { Process = ExoProcessStatus.Stopped, ExoNodeId = null, InTopology = false };
                await Grain.ReportDrained();
                return;
            case NodeMode.Maintain:
                _observation = _observation with { Process = ExoProcessStatus.Running, ExoNodeId = "exo-" + Node + "-" + Guid.NewGuid().ToString("N")[..4], InTopology = true };
                await Grain.ReportMaintained();
                return;
        }
        var wanted = directive.Tasks.Select(t => (t.TaskId, t.Attempt)).ToHashSet();
        foreach (var (key, process) in _running)
        {
            if (!wanted.Contains(key) && _running.TryRemove(key, out _))
            {
                process.Kill(); // cancelled or moved away
            }
        }
        foreach (var assignment in directive.Tasks.Where(t => t.Spec.Kind == TaskKind.Process && !_running.ContainsKey((t.TaskId, t.Attempt))))
        {
            var spec = assignment.Spec.Process!;
            var startInfo = new ProcessStartInfo(spec.Command) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in spec.Arguments)
            {
                startInfo.ArgumentList.Add(argument);
            }
            foreach (var (name, value) in spec.Environment)
            {
                startInfo.Environment[name] = value;
            }
            var process = Process.Start(startInfo)!;
            _running[(assignment.TaskId, assignment.Attempt)] = process;
            var task = _grains.GetGrain<ITaskGrain>(assignment.TaskId);
            await task.ReportStarted(Node, assignment.Attempt);
            _ = Task.Run(async () =>
            {
                var output = process.StandardOutput.ReadToEndAsync();
                var errors = process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                if (_running.TryRemove((assignment.TaskId, assignment.Attempt), out _))
                {
                    await task.ReportFinished(Node, assignment.Attempt, new TaskOutcome
                    {
                        Succeeded = process.ExitCode == 0,
                        ExitCode = process.ExitCode,
                        Logs = await output + await errors,
                        Error = process.ExitCode == 0 ? null : $"exited with code {process.ExitCode}",
                    });
                }
                process.Dispose();
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        foreach (var process in _running.Values)
        {
            process.Kill();
        }
        _stop.Dispose();
    }
}
