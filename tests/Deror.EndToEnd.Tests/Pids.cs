using System.Diagnostics;
using System.Globalization;

namespace Deror.EndToEnd.Tests;

/// <summary>Processes by PID, from the kernel's view (/proc): the silos' children live in their own sessions, so only their PIDs reach them.</summary>
internal static class Pids
{
    /// <summary>Running, not a zombie waiting for its parent to reap it.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>When the process started (clock ticks since boot), which tells it from a later process given the same PID; null if it is gone.</summary>
    public static long? StartTime(int pid)
    {
        try
        {
            // "pid (comm) state ppid ...": starttime is field 22, the 20th after the command's closing parenthesis.
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Whether the process runs a command line containing <paramref name="text"/> (e.g. the exo-sim it should be).</summary>
    public static bool Runs(int pid, string text)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Contains(text, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL, if it still runs.</summary>
    public static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>The PID a PID file holds, or null while it is missing or being written.</summary>
    public static int? Read(string pidFile)
    {
        try
        {
            return int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
