using System.Diagnostics;
using Deror.Agent.Posix;

namespace Deror.Agent.Tests;

/// <summary>A temp directory for one test, with helpers to write scripts into it; every process the test registers is killed by PID at the end.</summary>
public sealed class TestEnvironment : IDisposable
{
    private readonly List<int> _pids = [];

    public TestEnvironment()
    {
        Directory = Path.Combine(Path.GetTempPath(), "deror-agent-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>Writes an executable bash script.</summary>
    public string Script(string name, string body)
    {
        var path = PathOf(name);
        File.WriteAllText(path, "#!/usr/bin/env bash\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Kills this process (and its group, if it leads one) when the test ends.</summary>
    public int Track(int pid)
    {
        lock (_pids)
        {
            _pids.Add(pid);
        }
        return pid;
    }

    public void Dispose()
    {
        lock (_pids)
        {
            foreach (var pid in _pids)
            {
                if (PosixProcesses.GetProcessGroup(pid) == pid)
                {
                    PosixProcesses.SignalGroup(pid, PosixSignal.Kill);
                }
                PosixProcesses.Signal(pid, PosixSignal.Kill);
            }
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntil(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>Reads a file another process writes, once it has content.</summary>
    public static async Task<string> WaitForFile(string path, TimeSpan? timeout = null)
    {
        await WaitUntil(() => File.Exists(path) && new FileInfo(path).Length > 0, $"file {path}", timeout);
        return await File.ReadAllTextAsync(path);
    }

    /// <summary>
    /// Live (non-zombie) processes in the group <paramref name="pgid"/>, from /proc. Killed members may linger as
    /// zombies until init reaps them, so kill(-pgid, 0) alone cannot tell whether a group is gone.
    /// </summary>
    public static IReadOnlyList<int> LiveGroupMembers(int pgid)
    {
        var members = new List<int>();
        foreach (var dir in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                // "pid (comm) state ppid pgrp ...": fields after the last ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture) == pgid)
                {
                    members.Add(pid);
                }
            }
            catch (IOException)
            {
            }
        }
        return members;
    }
}
