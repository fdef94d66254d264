using Deror.Exo.Models;
using Microsoft.Extensions.Logging;

namespace Deror.Exo.Simulator.Cluster;

/// <summary>
/// The cluster state the master owns. A new master starts from an empty one (exo: placed models are wiped on a
/// master change). Not thread-safe: <see cref="ClusterNode"/> calls it under its lock.
/// </summary>
internal sealed class MasterStore(ExoSimOptions options, ILogger logger, DateTimeOffset createdAt)
{
    private const int MaxFinishedTasks = 500;

    private readonly Dictionary<string, ExoInstance> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunnerStatus> _runners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ExoTask> _tasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeIdentity> _identities = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeMemory> _memory = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeDisk> _disk = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeNetwork> _network = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> _backends = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<DownloadProgress>> _downloads = new(StringComparer.Ordinal);
    private List<string> _topology = [];
    private DateTimeOffset _lastSweep = createdAt;

    /// <summary>Folds the live nodes' reports into the state and applies exo's periodic clean-ups.</summary>
    public void Observe(IReadOnlyCollection<PeerReport> live, DateTimeOffset now)
    {
        _topology = live.Select(r => r.NodeId).Order(StringComparer.Ordinal).ToList();
        foreach (var report in live)
        {
            _lastSeen[report.NodeId] = now;
            if (!report.Worker)
            {
                continue; // a --no-worker node gathers no node information, so it is never offered for placement
            }
            _identities[report.NodeId] = report.Identity;
            _memory[report.NodeId] = report.Memory;
            _disk[report.NodeId] = report.Disk;
            _network[report.NodeId] = report.Network;
            _backends[report.NodeId] = report.Backends;
            _downloads[report.NodeId] = report.Downloads;
        }
        DropSilentNodes(now);
        CollectRunners(live);
        if (now - _lastSweep >= options.InstanceSweepInterval)
        {
            _lastSweep = now;
            DeleteInstancesOnMissingNodes();
        }
    }

    public ExoState Snapshot() => new()
    {
        Instances = new Dictionary<string, ExoInstance>(_instances),
        Runners = new Dictionary<string, RunnerStatus>(_runners),
        Downloads = new Dictionary<string, IReadOnlyList<DownloadProgress>>(_downloads),
        Tasks = new Dictionary<string, ExoTask>(_tasks),
        LastSeen = new Dictionary<string, DateTimeOffset>(_lastSeen),
        Topology = new Topology { Nodes = [.. _topology], Connections = Mesh(_topology) },
        NodeIdentities = new Dictionary<string, NodeIdentity>(_identities),
        NodeMemory = new Dictionary<string, NodeMemory>(_memory),
        NodeDisk = new Dictionary<string, NodeDisk>(_disk),
        NodeNetwork = new Dictionary<string, NodeNetwork>(_network),
        NodeBackends = new Dictionary<string, IReadOnlyList<string>>(_backends),
    };

    public bool HasInstance(string instanceId) => _instances.ContainsKey(instanceId);

    public void AddInstance(ExoInstance instance)
    {
        _instances[instance.InstanceId] = instance;
        Log.InstanceCreated(logger, instance.InstanceId, instance.ShardAssignments.ModelId, string.Join(", ", instance.ShardAssignments.NodeToRunner.Keys));
    }

    public bool DeleteInstance(string instanceId)
    {
        if (!_instances.Remove(instanceId))
        {
            return false;
        }
        Log.InstanceDeleted(logger, instanceId, "deleted through the API");
        return true;
    }

    public void PutTask(ExoTask task)
    {
        _tasks[task.TaskId] = task;
        var finished = _tasks.Values.Where(t => !t.IsActive).ToList();
        foreach (var old in finished.Take(Math.Max(0, finished.Count - MaxFinishedTasks)))
        {
            _tasks.Remove(old.TaskId);
        }
    }

    /// <summary>Exo drops nodes silent for too long; their identities stay behind as ghosts.</summary>
    private void DropSilentNodes(DateTimeOffset now)
    {
        foreach (var (nodeId, seen) in _lastSeen.Where(e => now - e.Value > options.NodeTimeout).ToList())
        {
            _lastSeen.Remove(nodeId);
            _memory.Remove(nodeId);
            _disk.Remove(nodeId);
            _network.Remove(nodeId);
            _backends.Remove(nodeId);
            _downloads.Remove(nodeId);
            Log.NodeDropped(logger, nodeId, now - seen);
        }
    }

    /// <summary>Runner statuses come from the workers that run them; runners of deleted instances disappear.</summary>
    private void CollectRunners(IReadOnlyCollection<PeerReport> live)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        var reports = live.ToDictionary(r => r.NodeId, StringComparer.Ordinal);
        foreach (var instance in _instances.Values)
        {
            foreach (var (nodeId, runnerId) in instance.ShardAssignments.NodeToRunner)
            {
                wanted.Add(runnerId);
                if (reports.TryGetValue(nodeId, out var report) && report.Runners.TryGetValue(runnerId, out var status))
                {
                    _runners[runnerId] = status;
                }
            }
        }
        foreach (var runnerId in _runners.Keys.Where(id => !wanted.Contains(id)).ToList())
        {
            _runners.Remove(runnerId);
        }
    }

    private void DeleteInstancesOnMissingNodes()
    {
        foreach (var instance in _instances.Values.ToList())
        {
            var missing = instance.ShardAssignments.NodeToRunner.Keys.FirstOrDefault(n => !_topology.Contains(n));
            if (missing is not null)
            {
                _instances.Remove(instance.InstanceId);
                Log.InstanceDeleted(logger, instance.InstanceId, $"node {missing} left the topology");
            }
        }
    }

    /// <summary>Every pair of live nodes connected (invented edge shape: exo reports socket or RDMA links).</summary>
    private static Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<System.Text.Json.JsonElement>>> Mesh(List<string> nodes)
    {
        var edge = System.Text.Json.JsonSerializer.SerializeToElement(new { sinkMultiaddr = "/ip4/127.0.0.1/tcp/52414" });
        return nodes.ToDictionary(
            source => source,
            source => (IReadOnlyDictionary<string, IReadOnlyList<System.Text.Json.JsonElement>>)nodes
                .Where(sink => sink != source)
                .ToDictionary(sink => sink, _ => (IReadOnlyList<System.Text.Json.JsonElement>)[edge], StringComparer.Ordinal),
            StringComparer.Ordinal);
    }
}
