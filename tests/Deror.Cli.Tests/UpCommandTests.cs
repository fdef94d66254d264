using System.Globalization;
using System.Text.Json;

namespace Deror.Cli.Tests;

/// <summary><c>deror up</c> starting real silo processes, serving the other commands, and stopping every one of them on Ctrl-C.</summary>
public sealed class UpCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("deror-up-").FullName;

    [Fact]
    public async Task Up_starts_two_silos_that_form_a_cluster_and_Ctrl_C_stops_every_process_it_started()
    {
        var gatewayPort = FreePorts.Consecutive(2);
        var siloPort = FreePorts.Consecutive(2);
        using var up = DerorProcess.Start(
            ["up", "--nodes", "2", "--gateway-port", Invariant(gatewayPort), "--silo-port", Invariant(siloPort), "--data-dir", Path.Combine(_directory, "data")],
            workingDirectory: _directory);
        int[] pids = [];
        try
        {
            await up.WaitForLineAsync(l => l.StartsWith("Press Ctrl-C", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
            var pidLine = await up.WaitForLineAsync(l => l.TrimStart().StartsWith("pids", StringComparison.Ordinal), TimeSpan.FromSeconds(1));
            pids = [.. pidLine.Trim()["pids".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];
            Assert.Equal(2, pids.Length);
            Assert.Equal(pids.Order(), Children(up.Pid).Order()); // what it reports is all it started
            Assert.Contains($"gateway    127.0.0.1:{gatewayPort}", up.Stdout);
            Assert.True(File.Exists(Path.Combine(_directory, "data", "local.db")));

            var silos = await DerorProcess.RunAsync("silos", "--json", "--gateway", $"127.0.0.1:{gatewayPort}");
            Assert.True(silos.ExitCode == 0, silos.ToString());
            Assert.Equal(
                [$"127.0.0.1:{gatewayPort}", $"127.0.0.1:{gatewayPort + 1}"],
                JsonDocument.Parse(silos.Stdout).RootElement.EnumerateArray().Select(s => s.GetProperty("gateway").GetString()));
            var health = await DerorProcess.RunAsync("health", "--json", "--gateway", $"127.0.0.1:{gatewayPort + 1}");
            Assert.True(health.ExitCode == 0, health.ToString());
            Assert.Equal("local", JsonDocument.Parse(health.Stdout).RootElement.GetProperty("clusterId").GetString());

            up.Signal("INT");

            Assert.Equal(0, await up.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.All(pids, pid => Assert.False(IsRunning(pid), $"silo pid {pid} still runs after deror up exited"));
            Assert.Contains("deror: stopped.", up.Stderr);
        }
        finally
        {
            foreach (var pid in pids.Where(IsRunning))
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
            ["up", "--nodes", "1", "--gateway-port", Invariant(gatewayPort), "--silo-port", Invariant(FreePorts.Consecutive(1)), "--data-dir", Path.Combine(_directory, "data")],
            null);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"error: port {gatewayPort} (gateway port of silo-1) is in use", result.Stderr);
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The direct children of <paramref name="pid"/>, from the kernel rather than from what deror says.</summary>
    private static int[] Children(int pid)
        => [.. File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];

    private static bool IsRunning(int pid)
    {
        // A zombie has exited: only its parent has not reaped it yet.
        var status = $"/proc/{pid}/status";
        return File.Exists(status) && !File.ReadAllLines(status).Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains('Z', StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
