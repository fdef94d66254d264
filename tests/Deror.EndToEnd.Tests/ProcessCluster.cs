using System.Diagnostics;
using System.Globalization;
using System.Text;
using Deror.Client;
using Deror.Exo;
using Deror.Grains;

namespace Deror.EndToEnd.Tests;

/// <summary>
/// A Deror cluster as <c>deror up</c> runs it, in a temp dir on free ports: one real silo process per node on one
/// embedded SQLite store, each silo's sidecar supervising a real exo-sim process (the simulated Exo nodes find each
/// other through a shared directory). Timings are shortened so failures are seen in seconds. The test reaches it as a
/// client through every silo's gateway. Disposing kills every silo and Exo process by PID.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly string _directory;
    private readonly List<SiloProcess> _silos = [];
    private readonly List<int> _exoPorts = [];
    private readonly Dictionary<int, long?> _tracked = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private DerorClient? _client;

    private ProcessCluster(string directory, string clusterId)
    {
        _directory = directory;
        ClusterId = clusterId;
    }

    public string ClusterId { get; }

    public int Count => _silos.Count;

    public ClusterManager Manager { get; private set; } = null!;

    public IGrainFactory Grains => _client!;

    /// <summary>Starts <paramref name="nodes"/> silos beside their Exo nodes, waits until every node is Healthy, then sets <paramref name="policy"/>.</summary>
    /// <param name="maintenanceScript">The sidecars' maintenance command; each node runs it with its name as the argument.</param>
    public static async Task<ProcessCluster> StartAsync(ClusterPolicy policy, string? maintenanceScript = null, int nodes = 3)
    {
        var directory = Directory.CreateTempSubdirectory("deror-e2e-").FullName;
        var cluster = new ProcessCluster(directory, "e2e-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var store = Path.Combine(directory, "store.db");
            var gateways = new List<string>();
            for (var i = 0; i < nodes; i++)
            {
                var gatewayPort = FreePorts.One();
                gateways.Add($"127.0.0.1:{gatewayPort.ToString(CultureInfo.InvariantCulture)}");
                cluster._exoPorts.Add(FreePorts.One());
                cluster._silos.Add(SiloProcess.Start(
                    $"silo-{i + 1}",
                    cluster.SiloArguments(i, store, gatewayPort, maintenanceScript),
                    Path.Combine(directory, $"silo-{i + 1}.log"),
                    directory));
            }
            using var deadline = new CancellationTokenSource(StartTimeout);
            var settings = new DerorClientSettings { ClusterId = cluster.ClusterId, ConnectTimeout = StartTimeout };
            foreach (var gateway in gateways)
            {
                settings.Gateways.Add(gateway);
            }
            cluster._client = await DerorClient.ConnectAsync(settings, deadline.Token);
            cluster.Manager = new ClusterManager(cluster._client, cluster.ClusterId);
            await cluster.WaitForAllHealthyAsync("every node Healthy after the start", StartTimeout);
            await cluster.Manager.SetPolicyAsync(policy);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public static string NodeName(int index) => $"node-{(index + 1).ToString(CultureInfo.InvariantCulture)}";

    public static int IndexOf(string node) => int.Parse(node["node-".Length..], CultureInfo.InvariantCulture) - 1;

    public SiloProcess Silo(int index) => _silos[index];

    /// <summary>The Exo API of node <paramref name="index"/>.</summary>
    public ExoClient Exo(int index)
        => new(_http, new ExoClientOptions { BaseAddress = new Uri($"http://127.0.0.1:{_exoPorts[index].ToString(CultureInfo.InvariantCulture)}/") });

    /// <summary>
    /// The PID of the exo-sim node <paramref name="index"/>'s sidecar runs now (from its PID file), tracked to be killed
    /// at the end; null when none runs (the file can name one that died, whose PID may since serve another process).
    /// </summary>
    public int? ExoPid(int index)
    {
        if (Pids.Read(Path.Combine(ExoHome(index), "sidecar.pid")) is not { } pid || !Pids.Runs(pid, BuildOutputs.ExoSimDll))
        {
            return null;
        }
        Track(pid);
        return pid;
    }

    /// <summary>A path in the cluster's temp dir.</summary>
    public string PathOf(string name) => Path.Combine(_directory, name);

    /// <summary>Kills this process by PID when the cluster is disposed (e.g. a task's process left behind by a killed silo).</summary>
    public void Track(int pid)
    {
        lock (_tracked)
        {
            _tracked.TryAdd(pid, Pids.StartTime(pid));
        }
    }

    /// <summary>The simulator's view of its Exo cluster (which node is master, which are live): exo-sim's control API.</summary>
    public async Task<SimulatedExoStatus> ExoStatusAsync(int index)
    {
        using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{_exoPorts[index].ToString(CultureInfo.InvariantCulture)}/_sim/control/status"));
        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var status = json.RootElement.GetProperty("cluster");
        return new SimulatedExoStatus(
            status.GetProperty("nodeId").GetString()!,
            status.GetProperty("masterId").GetString(),
            status.GetProperty("electing").GetBoolean(),
            [.. status.GetProperty("liveNodes").EnumerateArray().Select(n => n.GetString()!)]);
    }

    public Task<NodeInfo> NodeAsync(int index) => Manager.GetNodeAsync(NodeName(index));

    /// <summary>Every node's status, by name.</summary>
    public async Task<IReadOnlyDictionary<string, NodeStatus>> StatusesAsync()
        => (await Manager.GetNodesAsync()).ToDictionary(n => n.Name, n => n.Status, StringComparer.Ordinal);

    public Task<IReadOnlyList<NodeInfo>> WaitForAllHealthyAsync(string what, TimeSpan? timeout = null)
        => WaitForAsync(what, Manager.GetNodesAsync, nodes => nodes.Count == Count && nodes.All(n => n.Status == NodeStatus.Healthy), timeout);

    /// <summary>
    /// Polls <paramref name="probe"/> until <paramref name="until"/> holds and returns that value. A probe that throws
    /// (a silo just died, an Exo restarts) is tried again. On timeout the test fails with the nodes' histories and the
    /// silos' log tails.
    /// </summary>
    public async Task<T> WaitForAsync<T>(string what, Func<Task<T>> probe, Func<T, bool> until, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var watch = Stopwatch.StartNew();
        var last = "";
        while (watch.Elapsed < limit)
        {
            try
            {
                var value = await probe().WaitAsync(TimeSpan.FromSeconds(10));
                if (until(value))
                {
                    return value;
                }
                last = $"last value: {value}";
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                last = $"last error: {e.GetType().Name}: {e.Message}";
            }
            ThrowIfAnySiloExitedUnexpectedly();
            await Task.Delay(PollInterval);
        }
        Assert.Fail($"Timed out after {limit.TotalSeconds:0} s waiting for: {what} ({last})\n{await DescribeAsync()}");
        throw new UnreachableException();
    }

    /// <summary>The whole lifecycle event log so far (every node, task and maintenance transition, in order).</summary>
    public async Task<IReadOnlyList<EventRecord>> ReadEventsAsync()
    {
        var feed = Grains.GetGrain<IEventFeedGrain>(ClusterId);
        var events = new List<EventRecord>();
        var after = 0L;
        while (true)
        {
            var batch = await feed.Read(after, 1000, TimeSpan.Zero);
            if (batch.Events.Count == 0)
            {
                return events;
            }
            events.AddRange(batch.Events);
            after = batch.LastSequence;
        }
    }

    /// <summary>The nodes' recent histories and the tail of every silo's and Exo's log: what a failed test shows.</summary>
    public async Task<string> DescribeAsync()
    {
        var text = new StringBuilder();
        try
        {
            foreach (var node in await Manager.GetNodesAsync().WaitAsync(TimeSpan.FromSeconds(10)))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{node.Name}: {node.Status} ({node.Reason})");
                foreach (var t in node.History.TakeLast(8))
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"  {t.At:HH:mm:ss.fff} {t.From} → {t.To}: {t.Reason}");
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"(nodes unavailable: {e.Message})");
        }
        for (var i = 0; i < _silos.Count; i++)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"--- {_silos[i].Name} (pid {_silos[i].Pid}{(_silos[i].HasExited ? ", exited" : "")}):");
            text.AppendLine(_silos[i].LogTail(25));
            text.AppendLine(CultureInfo.InvariantCulture, $"--- {NodeName(i)} Exo:");
            text.AppendLine(LogFiles.Tail(PathOf($"{NodeName(i)}-exo.log"), 10));
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            silo.Dispose(); // SIGKILL: no sidecar restarts an Exo after this
        }
        for (var i = 0; i < _silos.Count; i++)
        {
            ExoPid(i);
        }
        lock (_tracked)
        {
            foreach (var (pid, startTime) in _tracked)
            {
                // Only the process tracked: a PID freed by one the test killed may have gone to someone else's.
                if (startTime is not null && Pids.StartTime(pid) == startTime)
                {
                    Pids.Kill(pid);
                }
            }
        }
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
        _http.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A killed process may still hold a file for a moment; the temp dir is cleaned by the OS later.
        }
    }

    private string ExoHome(int index) => PathOf(NodeName(index));

    private void ThrowIfAnySiloExitedUnexpectedly()
    {
        // Only the test kills silos (and knows it did); a silo that exits on its own is a failure worth stopping for.
        if (_silos.FirstOrDefault(s => s.HasExited && !s.KilledByTest) is { } exited)
        {
            Assert.Fail($"{exited.Name} exited on its own:\n{exited.LogTail(40)}");
        }
    }

    /// <summary>The silo's settings: those <c>deror up</c> passes, plus the sidecar's shortened timings.</summary>
    private IEnumerable<string> SiloArguments(int index, string store, int gatewayPort, string? maintenanceScript)
    {
        var node = NodeName(index);
        var home = ExoHome(index);
        Directory.CreateDirectory(home);
        var exoPort = _exoPorts[index].ToString(CultureInfo.InvariantCulture);
        string[] exo =
        [
            BuildOutputs.ExoSimDll, "--api-port", exoPort, "--cluster-dir", PathOf("exo-cluster"), "--friendly-name", node,
            "--election-ms", "200", "--runner-step-ms", "100",
        ];
        List<string> arguments =
        [
            $"--Deror:ClusterId={ClusterId}",
            $"--Deror:SiloName=silo-{index + 1}",
            $"--Deror:SiloPort={FreePorts.One()}",
            $"--Deror:GatewayPort={gatewayPort}",
            $"--Deror:Http:Port={FreePorts.One()}",
            "--Deror:Storage:Provider=Sqlite",
            $"--Deror:Storage:SqlitePath={store}",
            // Six silo and Exo processes starting at once on 2 busy cores starve each other's probes for seconds; the
            // default 600 ms probe timeout then declares healthy silos dead. A killed silo is still found in ~6 s.
            "--Deror:Membership:ProbeTimeout=00:00:02",
            $"--Deror:Metadata:exo-node={node}",
            $"--Deror:Sidecar:NodeName={node}",
            $"--Deror:Sidecar:ExoApiUrl=http://127.0.0.1:{exoPort}/",
            "--Deror:Sidecar:ProbePeriod=00:00:00.200",
            "--Deror:Sidecar:ProbeTimeout=00:00:02", // a starved Exo answers late, not never
            "--Deror:Sidecar:DirectiveWait=00:00:02",
            $"--Deror:Sidecar:Exo:Command={BuildOutputs.Dotnet}",
            $"--Deror:Sidecar:Exo:Namespace={ClusterId}",
            $"--Deror:Sidecar:Exo:Environment:EXO_HOME={home}",
            $"--Deror:Sidecar:Exo:PidFile={Path.Combine(home, "sidecar.pid")}",
            $"--Deror:Sidecar:Exo:LogFile={PathOf(node + "-exo.log")}",
            "--Deror:Sidecar:Exo:RestartDelay=00:00:00.200",
            "--Deror:Sidecar:Exo:InterruptTimeout=00:00:02",
            "--Deror:Sidecar:Exo:TerminateTimeout=00:00:01",
        ];
        arguments.AddRange(exo.Select((value, i) => $"--Deror:Sidecar:Exo:Arguments:{i.ToString(CultureInfo.InvariantCulture)}={value}"));
        if (maintenanceScript is not null)
        {
            arguments.Add($"--Deror:Sidecar:Maintenance:Command={maintenanceScript}");
            arguments.Add($"--Deror:Sidecar:Maintenance:Arguments:0={node}");
            arguments.Add("--Deror:Sidecar:Maintenance:Timeout=00:00:30");
        }
        return arguments;
    }
}

/// <summary>One exo-sim's view of its cluster: its own id, the master it follows, whether an election runs, the live nodes.</summary>
internal sealed record SimulatedExoStatus(string NodeId, string? MasterId, bool Electing, IReadOnlyList<string> LiveNodes);
