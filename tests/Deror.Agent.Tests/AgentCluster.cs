using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Deror.Client;
using Deror.Exo.Simulator;
using Deror.Grains;
using Deror.Hosting;
using Deror.TestingHost;

namespace Deror.Agent.Tests;

/// <summary>
/// A real silo hosting the real domain grains (in-memory providers) with the sidecar agent, whose supervisor runs a
/// real exo-sim process on a free port in a temp dir: the agent end to end.
/// </summary>
internal sealed class AgentCluster : IAsyncDisposable
{
    public const string Node = "node-1";

    private readonly TestEnvironment _env;

    private AgentCluster(InProcessTestCluster cluster, ClusterManager manager, TestEnvironment env, Uri exoUrl)
    {
        Cluster = cluster;
        Manager = manager;
        _env = env;
        ExoUrl = exoUrl;
    }

    public InProcessTestCluster Cluster { get; }

    public ClusterManager Manager { get; }

    public Uri ExoUrl { get; }

    public IGrainFactory Grains => Cluster.GrainFactory;

    public static async Task<AgentCluster> StartAsync(TestEnvironment env, Action<SidecarOptions>? configure = null, Action<ISiloBuilder>? configureSilo = null)
    {
        var port = FreePort();
        var exoUrl = new Uri($"http://127.0.0.1:{port}/");
        var home = env.PathOf("exo-home");
        Directory.CreateDirectory(home);
        var clusterId = "";
        var cluster = await InProcessTestCluster.StartAsync(o =>
        {
            clusterId = o.ClusterId;
            o.ConfigureSilo(silo =>
            {
                silo.AddMemoryGrainStorage().UseInMemoryReminderService().UseInMemoryDurableJobs().UseInMemoryEventLog().AddDerorDomain();
                silo.AddExoSidecar(s =>
                {
                    s.NodeName = Node;
                    s.ExoApiUrl = exoUrl;
                    s.ProbePeriod = TimeSpan.FromMilliseconds(200);
                    s.ProbeTimeout = TimeSpan.FromMilliseconds(800);
                    s.DirectiveWait = TimeSpan.FromSeconds(2);
                    s.Exo.Command = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
                    s.Exo.Arguments = [typeof(ExoSimNode).Assembly.Location, "--api-port", port.ToString(CultureInfo.InvariantCulture), "--cluster-dir", env.PathOf("exo-cluster"), "--election-ms", "200"];
                    s.Exo.Namespace = "agent-test";
                    s.Exo.Environment = new() { ["EXO_HOME"] = home };
                    s.Exo.PidFile = Path.Combine(home, "sidecar.pid");
                    s.Exo.LogFile = Path.Combine(home, "exo.log");
                    s.Exo.RestartDelay = TimeSpan.FromMilliseconds(200);
                    s.Exo.InterruptTimeout = TimeSpan.FromSeconds(2);
                    s.Exo.TerminateTimeout = TimeSpan.FromSeconds(1);
                    s.Exo.StartTimeout = TimeSpan.FromSeconds(60);
                    configure?.Invoke(s);
                });
                configureSilo?.Invoke(silo);
            });
        });
        var manager = new ClusterManager(cluster.GrainFactory, clusterId);
        await manager.SetPolicyAsync(new ClusterPolicy
        {
            HeartbeatTimeout = TimeSpan.FromSeconds(3),
            DeadAfter = TimeSpan.FromSeconds(30),
            RestartExoAfter = TimeSpan.FromSeconds(20),
            MinHealthyNodes = 0,
        });
        return new AgentCluster(cluster, manager, env, exoUrl);
    }

    public Task<NodeInfo> NodeAsync() => Grains.GetGrain<INodeGrain>(Node).GetInfo();

    /// <summary>The pid of the Exo the sidecar runs, from its PID file.</summary>
    public int? ExoPid()
    {
        var path = Path.Combine(_env.PathOf("exo-home"), "sidecar.pid");
        try
        {
            return int.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Waits until the node grain reports <paramref name="status"/> and <paramref name="also"/> holds; the message shows the node's history.</summary>
    public async Task<NodeInfo> WaitForNodeAsync(NodeStatus status, Func<NodeInfo, bool>? also = null, TimeSpan? timeout = null)
    {
        NodeInfo? last = null;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            last = await NodeAsync();
            if (last.Status == status && (also is null || also(last)))
            {
                return last;
            }
            await Task.Delay(50);
        }
        var history = last is null ? "" : string.Join("\n", last.History.Select(h => $"{h.From} → {h.To}: {h.Reason}"));
        var log = File.Exists(_env.PathOf("exo-home/exo.log")) ? File.ReadAllText(_env.PathOf("exo-home/exo.log")) : "(no exo log)";
        throw new TimeoutException($"Node never reached {status}; it is {last?.Status} ({last?.Reason}). History:\n{history}\nExo log:\n{log[Math.Max(0, log.Length - 3000)..]}");
    }

    public async ValueTask DisposeAsync()
    {
        // The sidecar stops Exo with the silo (policy Stop); its pid is tracked in case the stop fails.
        if (ExoPid() is { } pid)
        {
            _env.Track(pid);
        }
        await Cluster.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
