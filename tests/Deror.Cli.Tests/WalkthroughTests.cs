using System.Globalization;
using System.Text.Json;
using Deror.Testing.Servers;

namespace Deror.Cli.Tests;

/// <summary>
/// The README's walk-through (issue "Done when"), every step through the real <c>deror</c>: <c>deror up</c> with 3 nodes,
/// the dashboard and its API, <c>exec</c> and <c>run</c> (a container on a private dockerd) completing, a killed Exo
/// simulator's node going non-Healthy and recovering, the membership in <c>deror silos</c> (also found through
/// <c>--url</c>) showing a killed silo Dead.
/// </summary>
public sealed class WalkthroughTests : IDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(90);

    private readonly string _directory = Directory.CreateTempSubdirectory("deror-walk-").FullName;
    private readonly List<int> _started = [];

    [Fact]
    public async Task Up_dashboard_exec_run_exo_kill_and_silo_death()
    {
        using var docker = DockerEngine.StartNew();
        var gatewayPort = FreePorts.Consecutive(3);
        var httpPort = FreePorts.Consecutive(3);
        using var up = DerorProcess.Start(
            ["up", "--nodes", "3", "--gateway-port", Invariant(gatewayPort), "--silo-port", Invariant(FreePorts.Consecutive(3)), "--http-port", Invariant(httpPort),
             "--exo-port", Invariant(FreePorts.Consecutive(3)), "--data-dir", Path.Combine(_directory, "data"), "--container-network", "none"],
            new Dictionary<string, string> { ["DOCKER_HOST"] = docker.Host },
            workingDirectory: _directory);
        await up.WaitForLineAsync(l => l.StartsWith("Press Ctrl-C", StringComparison.Ordinal), TimeSpan.FromSeconds(180));
        var pidLine = await up.WaitForLineAsync(l => l.TrimStart().StartsWith("pids", StringComparison.Ordinal), TimeSpan.FromSeconds(1));
        int[] silos = [.. pidLine.Trim()["pids".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];
        _started.AddRange(silos);
        var gateway = $"127.0.0.1:{gatewayPort}";
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/") };

        // The dashboard is served, and the API it reads shows the 3 nodes Healthy.
        Assert.Contains("<title>", await http.GetStringAsync("/"), StringComparison.OrdinalIgnoreCase);
        var nodes = JsonDocument.Parse(await http.GetStringAsync("/api/nodes")).RootElement;
        Assert.Equal(
            [("node-1", "Healthy"), ("node-2", "Healthy"), ("node-3", "Healthy")],
            nodes.EnumerateArray().Select(n => (n.GetProperty("name").GetString(), n.GetProperty("status").GetString())).Order());

        // deror exec hi -- echo hi: Completed in the CLI and in the HTTP API.
        var hi = await Cli("exec", "hi", "--wait", "--json", "--gateway", gateway, "--", "echo", "hi");
        var hiTask = JsonDocument.Parse(hi.Stdout).RootElement;
        Assert.Equal("Completed", hiTask.GetProperty("state").GetString());
        var hiId = hiTask.GetProperty("id").GetString()!;
        var listed = await Cli("get", hiId, "--json", "--gateway", gateway);
        Assert.Equal("Completed", JsonDocument.Parse(listed.Stdout).RootElement.GetProperty("state").GetString());
        Assert.Equal("Completed", JsonDocument.Parse(await http.GetStringAsync($"/api/tasks/{hiId}")).RootElement.GetProperty("state").GetString());

        // deror run hello <image>: a container task on the private engine, through the sidecars deror up started.
        var hello = await Cli("run", "hello", DockerEngine.BusyboxImage, "--wait", "--gateway", gateway, "--", "echo", "hello from a container");
        Assert.Equal("hello from a container\n", hello.Stdout);

        // Killing node-2's Exo simulator: the node leaves Healthy and comes back.
        var exoSim = Assert.Single(Children(silos[1]), pid => File.ReadAllText($"/proc/{pid}/cmdline").Contains("exo-sim", StringComparison.Ordinal));
        var killedAt = DateTimeOffset.UtcNow;
        Kill(exoSim);
        var recovered = await EventuallyAsync(
            async () => JsonDocument.Parse(await http.GetStringAsync("/api/nodes/node-2")).RootElement,
            n => n.GetProperty("status").GetString() == "Healthy" && LeftHealthySince(n, killedAt),
            "node-2 to leave Healthy and recover after its exo-sim was killed");
        _started.AddRange(Children(silos[1]));
        var node2 = await Cli("nodes", "node-2", "--json", "--gateway", gateway);
        var node2Info = JsonDocument.Parse(node2.Stdout).RootElement;
        Assert.Equal("Healthy", node2Info.GetProperty("status").GetString());
        Assert.True(LeftHealthySince(node2Info, killedAt), node2.Stdout);
        Assert.True(LeftHealthySince(recovered, killedAt));

        // The membership: 3 Active silos with their Exo nodes, also found through a silo's HTTP API (--url).
        var members = await Cli("silos", "--json", "--url", $"http://127.0.0.1:{httpPort + 1}");
        Assert.Equal(
            [("node-1", "Active"), ("node-2", "Active"), ("node-3", "Active")],
            JsonDocument.Parse(members.Stdout).RootElement.EnumerateArray().Select(s => (s.GetProperty("exoNode").GetString(), s.GetProperty("status").GetString())).Order());

        // A killed silo shows Dead, in the CLI and in GET /api/silos alike (its orphaned exo-sim is killed at the end).
        _started.AddRange(Children(silos[2]));
        Kill(silos[2]);
        var dead = await EventuallyAsync(
            async () => (await Cli("silos", "--json", "--gateway", gateway)).Stdout,
            s => JsonDocument.Parse(s).RootElement.EnumerateArray().Any(e => e.GetProperty("exoNode").GetString() == "node-3" && e.GetProperty("status").GetString() == "Dead"),
            "silo-3 to be declared Dead");
        Assert.Equal(2, JsonDocument.Parse(dead).RootElement.EnumerateArray().Count(e => e.GetProperty("status").GetString() == "Active"));
        var apiSilos = JsonDocument.Parse(await http.GetStringAsync("/api/silos")).RootElement;
        Assert.Contains(apiSilos.EnumerateArray(), e => e.GetProperty("exoNode").GetString() == "node-3" && e.GetProperty("status").GetString() == "Dead");

        up.Signal("INT");
        await up.WaitForExitAsync(TimeSpan.FromSeconds(60));
    }

    public void Dispose()
    {
        foreach (var pid in _started)
        {
            Kill(pid);
        }
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<CliResult> Cli(params string[] args)
    {
        var result = await DerorProcess.RunAsync(args, null);
        Assert.True(result.ExitCode == 0, $"deror {string.Join(' ', args)}: {result}");
        return result;
    }

    /// <summary>Whether the node's history records a step out of Healthy after <paramref name="since"/>.</summary>
    private static bool LeftHealthySince(JsonElement node, DateTimeOffset since)
        => node.GetProperty("history").EnumerateArray().Any(t =>
            t.GetProperty("from").GetString() == "Healthy" && t.GetProperty("to").GetString() != "Healthy" && t.GetProperty("at").GetDateTimeOffset() >= since.AddSeconds(-1));

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + StepTimeout;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}; last: {value}");
            await Task.Delay(200);
        }
    }

    /// <summary>SIGKILL, only while the pid is still one of the processes this test started (a silo or an exo-sim).</summary>
    private static void Kill(int pid)
    {
        var cmdline = $"/proc/{pid}/cmdline";
        if (File.Exists(cmdline) && File.ReadAllText(cmdline) is var command
            && (command.Contains("Deror.Silo", StringComparison.Ordinal) || command.Contains("exo-sim", StringComparison.Ordinal)))
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
                // Exited meanwhile.
            }
        }
    }

    private static int[] Children(int pid)
        => [.. Directory.GetDirectories($"/proc/{pid}/task").SelectMany(t => File.ReadAllText(Path.Combine(t, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(int.Parse)];

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
