using System.Globalization;
using System.Text.Json;
using Deror.Client;
using Deror.Grains;

namespace Deror.Cli.Tests;

/// <summary><c>deror up</c> starting real silo processes (with Python handlers), serving the other commands, and stopping every one of them on Ctrl-C.</summary>
public sealed class UpCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("deror-up-").FullName;

    [Fact]
    public async Task Up_starts_two_silos_beside_simulated_Exo_nodes_with_Python_handlers_and_Ctrl_C_stops_every_process_it_started()
    {
        var gatewayPort = FreePorts.Consecutive(2);
        var httpPort = FreePorts.Consecutive(2);
        File.WriteAllText(Path.Combine(_directory, "image_tasks.py"), """
            import deror

            @deror.task("resize")
            def resize(width, height):
                print(f"resizing to {width}x{height}")
                return width * height
            """);
        using var up = DerorProcess.Start(
            ["up", "--nodes", "2", "--gateway-port", Invariant(gatewayPort), "--silo-port", Invariant(FreePorts.Consecutive(2)), "--http-port", Invariant(httpPort), "--exo-port", Invariant(FreePorts.Consecutive(2)), "--data-dir", Path.Combine(_directory, "data"),
                "--python-handlers", "image_tasks.py"],
            workingDirectory: _directory);
        int[] started = [];
        try
        {
            await up.WaitForLineAsync(l => l.StartsWith("Press Ctrl-C", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
            var pidLine = await up.WaitForLineAsync(l => l.TrimStart().StartsWith("pids", StringComparison.Ordinal), TimeSpan.FromSeconds(1));
            int[] silos = [.. pidLine.Trim()["pids".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];
            Assert.Equal(silos.Order(), Children(up.Pid).Order()); // what it reports is all it started itself
            int[] exoSims = [.. silos.SelectMany(Children)];
            Assert.Equal(2, exoSims.Length); // each silo's sidecar runs one simulated Exo node
            Assert.All(exoSims, pid => Assert.Contains("exo-sim", File.ReadAllText($"/proc/{pid}/cmdline"), StringComparison.Ordinal));
            started = [.. silos, .. exoSims];
            Assert.Contains($"gateway    127.0.0.1:{gatewayPort}", up.Stdout);
            Assert.Contains($"dashboard  http://127.0.0.1:{httpPort}/", up.Stdout);
            using (var http = new HttpClient())
            {
                var health = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{httpPort + 1}/api/cluster/health"))).RootElement;
                Assert.Equal("local", health.GetProperty("clusterId").GetString());
            }
            Assert.True(File.Exists(Path.Combine(_directory, "data", "local.db")));

            var nodes = await DerorProcess.RunAsync("nodes", "--json", "--gateway", $"127.0.0.1:{gatewayPort + 1}");
            Assert.True(nodes.ExitCode == 0, nodes.ToString());
            Assert.Equal(
                [("node-1", "Healthy", "echo noop resize"), ("node-2", "Healthy", "echo noop resize")],
                JsonDocument.Parse(nodes.Stdout).RootElement.EnumerateArray()
                    .Select(n => (n.GetProperty("name").GetString(), n.GetProperty("status").GetString(), string.Join(' ', n.GetProperty("handlers").EnumerateArray().Select(h => h.GetString()))))
                    .Order());
            var silosListed = await DerorProcess.RunAsync("silos", "--json", "--gateway", $"127.0.0.1:{gatewayPort}");
            Assert.True(silosListed.ExitCode == 0, silosListed.ToString());
            Assert.Equal(2, JsonDocument.Parse(silosListed.Stdout).RootElement.GetArrayLength());
            var hi = await DerorProcess.RunAsync("exec", "hi", "--wait", "--gateway", $"127.0.0.1:{gatewayPort}", "--", "echo", "hi");
            Assert.True(hi.ExitCode == 0, hi.ToString());
            Assert.Equal("hi\n", hi.Stdout);
            await using (var client = await DerorClient.ConnectAsync($"127.0.0.1:{gatewayPort}"))
            {
                var resize = await new ClusterManager(client, "local").SubmitAsync(TaskSpecs.Handler("resize", "resize", "{\"width\":2,\"height\":3}"));
                var resized = await resize.WaitAsync(TimeSpan.FromSeconds(60));
                Assert.True(resized.State == TaskState.Completed, $"{resized.State}: {resized.Error} {resized.Reason}");
                Assert.Equal("6", resized.Result);
                Assert.Equal("resizing to 2x3\n", (await resize.GetLogsAsync()).Text);
            }

            up.Signal("INT");

            Assert.Equal(0, await up.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.All(started, pid => Assert.False(IsRunning(pid), $"pid {pid} still runs after deror up exited"));
            Assert.Contains("deror: stopped.", up.Stderr);
        }
        finally
        {
            foreach (var pid in started.Where(IsRunning))
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
        }
    }

    [Fact]
    public async Task Up_refuses_ports_in_use()
    {
        var gatewayPort = FreePorts.Consecutive(1);
        using var blocker = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, gatewayPort);
        blocker.Start();

        var result = await DerorProcess.RunAsync(
            ["up", "--nodes", "1", "--no-exo", "--gateway-port", Invariant(gatewayPort), "--silo-port", Invariant(FreePorts.Consecutive(1)), "--http-port", Invariant(FreePorts.Consecutive(1)), "--data-dir", Path.Combine(_directory, "data")],
            null);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"error: port {gatewayPort} (gateway port of silo-1) is in use", result.Stderr);
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The direct children of <paramref name="pid"/>, from the kernel rather than from what deror says (each thread lists those it forked).</summary>
    private static int[] Children(int pid)
        => [.. Directory.GetDirectories($"/proc/{pid}/task").SelectMany(t => File.ReadAllText(Path.Combine(t, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(int.Parse)];

    private static bool IsRunning(int pid)
    {
        // A zombie has exited: only its parent has not reaped it yet.
        var status = $"/proc/{pid}/status";
        return File.Exists(status) && !File.ReadAllLines(status).Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains('Z', StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
