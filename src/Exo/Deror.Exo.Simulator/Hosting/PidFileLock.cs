using System.Globalization;

namespace Deror.Exo.Simulator.Hosting;

/// <summary>
/// One exo per home, as exo's own PID file lock. The process id is written to <c>$EXO_HOME/exo.pid</c> (exo
/// itself: <c>~/.cache/exo/exo.pid</c>, used here when EXO_HOME is unset) and the lock is held on
/// <c>exo.pid.lock</c> beside it: .NET locks a file it opens with flock, which would make the PID file unreadable to
/// a supervisor that wants to adopt the process. The kernel releases the lock when the process dies, even by
/// SIGKILL, so a crash never leaves a stale lock (only a stale exo.pid, which the next start overwrites).
/// </summary>
public sealed class PidFileLock : IDisposable
{
    private readonly FileStream _lock;

    private PidFileLock(string path, FileStream lockStream)
    {
        Path = path;
        _lock = lockStream;
    }

    /// <summary>The PID file.</summary>
    public string Path { get; }

    public static string DefaultPath(Func<string, string?> environment) =>
        environment("EXO_HOME") is { Length: > 0 } home
            ? System.IO.Path.Combine(home, "exo.pid")
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "exo", "exo.pid");

    /// <summary>Takes the lock and writes this process's id into the PID file; null when another process holds the lock.</summary>
    public static PidFileLock? TryAcquire(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        FileStream lockStream;
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Unix.
            lockStream = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
        File.WriteAllText(path, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        return new PidFileLock(path, lockStream);
    }

    /// <summary>Removes the PID file, then releases the lock.</summary>
    public void Dispose()
    {
        File.Delete(Path);
        _lock.Dispose();
    }
}
