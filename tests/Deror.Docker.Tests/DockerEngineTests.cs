using System.Diagnostics;
using Deror.Testing.Servers;

namespace Deror.Docker.Tests;

/// <summary>The private engine server itself: what it starts is private, works with the CLI, and is gone after dispose.</summary>
[Collection(DockerCollection.Name)]
public sealed class DockerEngineTests(DockerEngineFixture fixture)
{
    [Fact]
    public void The_docker_cli_runs_the_busybox_image_against_the_private_engine()
    {
        var output = fixture.Engine.RunCli(["run", "--rm", "--network", "none", DockerEngine.BusyboxImage, "sh", "-c", "echo cli; ls /bin/cat"]);

        Assert.Equal("cli\n/bin/cat\n", output);
    }

    [Fact]
    public async Task Start_sweeps_an_engine_whose_test_run_died_and_dispose_kills_everything_it_started()
    {
        // An orphan as a killed test run leaves it: its owner is dead, a process naming its directory still runs.
        var orphan = Directory.CreateTempSubdirectory("deror-dockerd-").FullName;
        using var deadOwner = Process.Start("true")!;
        deadOwner.WaitForExit();
        File.WriteAllText(Path.Combine(orphan, "owner.pid"), deadOwner.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var orphanProcess = Process.Start("sh", ["-c", "sleep 600; :", Path.Combine(orphan, "dockerd")])!;

        var engine = DockerEngine.StartNew();
        Assert.True(orphanProcess.WaitForExit(TimeSpan.FromSeconds(10)), "the orphan's process outlived the sweep");
        Assert.False(Directory.Exists(orphan));
        int[] pids;
        try
        {
            using var docker = new DockerClient(new DockerClientOptions { SocketPath = engine.SocketPath });
            var id = await docker.CreateContainerAsync(DockerEngineFixture.Busybox("sleep", "600"));
            await docker.StartContainerAsync(id);
            var containerPid = (await docker.InspectContainerAsync(id)).State.Pid;
            var dockerdPid = int.Parse(File.ReadAllText(Path.Combine(engine.RootDirectory, "dockerd.pid")), System.Globalization.CultureInfo.InvariantCulture);
            pids = [containerPid, dockerdPid, .. ProcessesMentioning(engine.RootDirectory)];
            Assert.True(pids.Length >= 4, $"expected the container, dockerd, containerd and a shim, found pids {string.Join(", ", pids)}");
        }
        finally
        {
            engine.Dispose();
        }

        Assert.All(pids, pid => Assert.False(IsAlive(pid), $"pid {pid} ({TryReadCommandLine(pid)}) outlived the engine"));
        Assert.False(Directory.Exists(engine.RootDirectory));
        Assert.DoesNotContain(engine.RootDirectory, File.ReadAllText("/proc/self/mountinfo"), StringComparison.Ordinal);
    }

    private static int[] ProcessesMentioning(string directory)
        => Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => name!.All(char.IsAsciiDigit))
            .Select(name => int.Parse(name!, System.Globalization.CultureInfo.InvariantCulture))
            .Where(pid => TryReadCommandLine(pid).Contains(directory + "/", StringComparison.Ordinal))
            .ToArray();

    private static string TryReadCommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Running, that is: not gone and not a zombie waiting for its parent to reap it.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
