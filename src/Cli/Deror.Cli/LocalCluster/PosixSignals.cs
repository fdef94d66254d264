using System.Runtime.InteropServices;

namespace Deror.Cli.LocalCluster;

/// <summary>Sends POSIX signals by pid (.NET itself can only SIGKILL a process).</summary>
internal static partial class PosixSignals
{
    public const int SIGTERM = 15;

    public const int SIGKILL = 9;

    /// <summary>False when the process no longer exists.</summary>
    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
