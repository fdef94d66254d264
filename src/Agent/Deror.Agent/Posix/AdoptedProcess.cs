namespace Deror.Agent.Posix;

/// <summary>
/// A running process the agent did not start (found through a PID file). It is not our child, so its exit cannot be
/// awaited with waitpid: <see cref="Exited"/> polls for it instead.
/// </summary>
public sealed class AdoptedProcess : IProcessHandle, IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _disposed = new();

    private AdoptedProcess(int pid)
    {
        Pid = pid;
        LeadsGroup = PosixProcesses.GetProcessGroup(pid) == pid;
        Exited = WatchAsync(pid, _disposed.Token);
    }

    public int Pid { get; }

    public bool LeadsGroup { get; }

    public Task Exited { get; }

    /// <summary>The process <paramref name="pid"/> when it is alive, else null.</summary>
    public static AdoptedProcess? TryAdopt(int pid) => pid > 1 && IsAlive(pid) ? new AdoptedProcess(pid) : null;

    /// <summary>Alive: it exists and is not a zombie waiting for its parent to reap it.</summary>
    public static bool IsAlive(int pid)
    {
        if (!PosixProcesses.Exists(pid))
        {
            return false;
        }
        try
        {
            // /proc/<pid>/stat is "pid (comm) S ...": the state follows the last ')' (comm may contain one).
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..];
            return state.Length > 0 && state[0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Dispose() => _disposed.Cancel();

    private static async Task WatchAsync(int pid, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PollInterval);
        while (IsAlive(pid) && await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
        }
    }
}
