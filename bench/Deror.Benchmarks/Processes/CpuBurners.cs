using System.Diagnostics;

namespace Deror.Benchmarks.Processes;

/// <summary>One <c>yes &gt; /dev/null</c> process per core, so silos and client compete for CPU; disposed by PID.</summary>
public sealed class CpuBurners : IDisposable
{
    private readonly List<Process> _processes = [];

    public CpuBurners(int count)
    {
        for (var i = 0; i < count; i++)
        {
            // exec: the PID we hold is yes itself, not a shell that would outlive its kill.
            _processes.Add(Process.Start("sh", ["-c", "exec yes > /dev/null"]));
        }
    }

    public IEnumerable<int> Pids => _processes.Select(p => p.Id);

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }
            process.Dispose();
        }
    }
}
