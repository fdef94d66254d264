using System.Globalization;

namespace Deror.Exo.Simulator.Hosting;

/// <summary>
/// One exo per home, as exo's own PID file lock: an exclusive lock on <c>$EXO_HOME/exo.pid</c> (exo itself:
/// <c>~/.cache/exo/exo.pid</c>, used here when EXO_HOME is unset). The kernel releases it when the process dies,
/// even by SIGKILL, so a crash never leaves a stale lock.
/// </summary>
public sealed class PidFileLock : IDisposable
{
    private readonly FileStream _stream;

    private PidFileLock(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    public string Path { get; }

    public static string DefaultPath(Func<string, string?> environment) =>
        environment("EXO_HOME") is { Length: > 0 } home
            ? System.IO.Path.Combine(home, "exo.pid")
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "exo", "exo.pid");

    /// <summary>Takes the lock and writes this process's id into the file; null when another process holds it.</summary>
    public static PidFileLock? TryAcquire(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        FileStream stream;
        try
        {
            // .NET takes an exclusive advisory lock (flock) for FileShare.None on Unix.
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
        stream.SetLength(0);
        var pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        stream.Write(pid);
        stream.Flush();
        return new PidFileLock(path, stream);
    }

    public void Dispose()
    {
        File.Delete(Path);
        _stream.Dispose();
    }
}
