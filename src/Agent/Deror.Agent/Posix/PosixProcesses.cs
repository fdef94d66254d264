using System.Runtime.InteropServices;

namespace Deror.Agent.Posix;

/// <summary>
/// Real POSIX signals through libc: <see cref="System.Diagnostics.Process.Kill()"/> can only send SIGKILL, and a
/// graceful stop needs SIGINT and SIGTERM, to one process or to its whole process group.
/// </summary>
public static partial class PosixProcesses
{
    private const int Esrch = 3;

    /// <summary>Sends <paramref name="signal"/> to one process; false when it no longer exists.</summary>
    public static bool Signal(int pid, PosixSignal signal) => Send(ValidPid(pid), signal);

    /// <summary>Sends <paramref name="signal"/> to every process in the group <paramref name="pgid"/>; false when the group is empty.</summary>
    public static bool SignalGroup(int pgid, PosixSignal signal) => Send(-ValidPid(pgid), signal);

    /// <summary>Whether a process with this id exists (it may belong to another user, or be a zombie).</summary>
    public static bool Exists(int pid) => kill(ValidPid(pid), 0) == 0 || Marshal.GetLastPInvokeError() != Esrch;

    /// <summary>The process group of <paramref name="pid"/>, or null when the process is gone.</summary>
    public static int? GetProcessGroup(int pid)
    {
        var pgid = getpgid(ValidPid(pid));
        return pgid < 0 ? null : pgid;
    }

    private static bool Send(int target, PosixSignal signal)
    {
        if (kill(target, (int)signal) == 0)
        {
            return true;
        }
        var errno = Marshal.GetLastPInvokeError();
        return errno == Esrch
            ? false
            : throw new InvalidOperationException($"kill({target}, {signal}) failed: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    // kill(0 or -1, ...) would signal our own group or every process we may signal: never let a bad pid get there.
    private static int ValidPid(int pid) => pid > 1 ? pid : throw new ArgumentOutOfRangeException(nameof(pid), pid, "A process id must be greater than 1.");

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getpgid(int pid);
}
