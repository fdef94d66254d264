using System.Diagnostics;
using System.Globalization;

namespace Deror.Testing.Servers;

/// <summary>
/// Finding and ending an engine's processes by PID. Everything the engine runs names its directory on its command
/// line (dockerd, containerd, and one containerd shim per container) except the containers' own processes, which are
/// the shims' children. Used to make a stop quick and complete, and to sweep the leftovers of a killed test run.
/// </summary>
internal static class DockerEngineProcesses
{
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    /// <summary>Sends SIGTERM to <paramref name="process"/> and waits; SIGKILL when it outlives <paramref name="grace"/>.</summary>
    public static void Terminate(Process process, TimeSpan grace)
    {
        try
        {
            if (process.HasExited)
            {
                return;
            }
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                kill.WaitForExit();
            }
            if (!process.WaitForExit(grace))
            {
                process.Kill();
                process.WaitForExit(KillWait);
            }
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    /// <summary>
    /// Kills (SIGKILL) the containers' processes: dockerd would otherwise give each its stop timeout (10 s) when it
    /// shuts down, since a shell or sleep as a container's pid 1 ignores SIGTERM.
    /// </summary>
    public static void KillContainers(string rootDirectory)
    {
        var processes = Snapshot();
        var engine = Mentioning(processes, rootDirectory);
        KillAndWait(processes.Where(process => engine.Contains(process.ParentPid) && !engine.Contains(process.Pid)).Select(process => process.Pid));
    }

    /// <summary>Kills (SIGKILL) everything still running under <paramref name="rootDirectory"/>, containers first, and unmounts under it.</summary>
    public static void KillAllUnder(string rootDirectory)
    {
        KillContainers(rootDirectory);
        KillAndWait(Mentioning(Snapshot(), rootDirectory));
        UnmountUnder(rootDirectory.TrimEnd('/') + "/");
    }

    /// <summary>Whether <paramref name="pid"/> runs; a zombie (dead, waiting for its parent to reap it) does not.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return StatFields(stat)[0] != "Z";
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static HashSet<int> Mentioning(List<(int Pid, int ParentPid, string CommandLine)> processes, string rootDirectory)
    {
        var marker = rootDirectory.TrimEnd('/') + "/";
        return processes.Where(process => process.CommandLine.Contains(marker, StringComparison.Ordinal)).Select(process => process.Pid).ToHashSet();
    }

    private static void KillAndWait(IEnumerable<int> pids)
    {
        var killed = new List<int>();
        foreach (var pid in pids)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                killed.Add(pid);
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
            {
                // Gone in the meantime.
            }
        }
        var deadline = Stopwatch.StartNew();
        while (killed.Any(IsRunning) && deadline.Elapsed < KillWait)
        {
            Thread.Sleep(20);
        }
    }

    private static List<(int Pid, int ParentPid, string CommandLine)> Snapshot()
    {
        var processes = new List<(int, int, string)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                var parentPid = int.Parse(StatFields(File.ReadAllText(Path.Combine(directory, "stat")))[1], CultureInfo.InvariantCulture);
                processes.Add((pid, parentPid, commandLine));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The process exited while being read.
            }
        }
        return processes;
    }

    // stat is "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so the fields start after the last ')'.
    private static string[] StatFields(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

    private static void UnmountUnder(string marker)
    {
        // mountinfo's fifth field is the mount point, with spaces written as octal escapes.
        var mountPoints = File.ReadLines("/proc/self/mountinfo")
            .Select(line => line.Split(' ')[4].Replace("\\040", " ", StringComparison.Ordinal))
            .Where(mountPoint => mountPoint.StartsWith(marker, StringComparison.Ordinal))
            .OrderByDescending(mountPoint => mountPoint.Length);
        foreach (var mountPoint in mountPoints)
        {
            using var umount = Process.Start(new ProcessStartInfo("umount", ["--lazy", mountPoint]) { RedirectStandardError = true, UseShellExecute = false });
            umount?.WaitForExit();
        }
    }
}
