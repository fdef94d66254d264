using Deror.Exo.Simulator;

namespace Deror.Exo.Tests.Infrastructure;

/// <summary>Simulated Exo nodes in this process, each its own Kestrel on a free port, sharing a temp discovery directory.</summary>
public sealed class SimCluster : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly List<ExoSimNode> _nodes = [];

    public string Namespace { get; } = "ns-" + Guid.NewGuid().ToString("N")[..8];

    public IReadOnlyList<ExoSimNode> Nodes => _nodes;

    public string ClusterDirectory => _directory.Path;

    /// <summary>Timings short enough for tests; real exo's are in <see cref="ExoSimOptions"/>.</summary>
    public ExoSimOptions FastOptions(string? @namespace = null) => new()
    {
        ApiPort = 0,
        Namespace = @namespace ?? Namespace,
        ClusterDirectory = _directory.Path,
        MemoryMb = 8 * 1024,
        TickInterval = TimeSpan.FromMilliseconds(100),
        ProbeTimeout = TimeSpan.FromMilliseconds(500),
        ElectionDuration = TimeSpan.FromMilliseconds(300),
        NodeTimeout = TimeSpan.FromSeconds(1.5),
        InstanceSweepInterval = TimeSpan.FromMilliseconds(300),
        RunnerStepDelay = TimeSpan.FromMilliseconds(40),
        TokenDelay = TimeSpan.FromMilliseconds(2),
    };

    public static async Task<SimCluster> StartAsync(int nodes, Action<int, ExoSimOptions>? configure = null)
    {
        var cluster = new SimCluster();
        for (var i = 0; i < nodes; i++)
        {
            var options = cluster.FastOptions();
            options.FriendlyName = $"node-{i}";
            configure?.Invoke(i, options);
            await cluster.AddAsync(options);
        }
        return cluster;
    }

    public async Task<ExoSimNode> AddAsync(ExoSimOptions options)
    {
        var node = await ExoSimNode.StartAsync(options);
        _nodes.Add(node);
        return node;
    }

    public ExoClient Client(int node, TimeSpan? readTimeout = null) => TestClients.For(_nodes[node].BaseAddress, readTimeout);

    /// <summary>Waits until every node serves a state with <paramref name="expected"/> members, as exo's readiness test reads it.</summary>
    public async Task WaitUntilReadyAsync(int expected, IEnumerable<ExoSimNode>? nodes = null)
    {
        foreach (var node in nodes ?? _nodes)
        {
            var client = TestClients.For(node.BaseAddress);
            await Eventually.HoldsAsync(
                () => client.GetStateAsync(),
                s => s is not null && Health.ExoHealth.IsClusterReady(s, expected) && s.Topology.Nodes.Count == expected,
                $"node {node.NodeId} to serve a ready {expected}-node cluster");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
        _directory.Dispose();
    }
}
