using Deror.Exo.Models;
using Microsoft.Extensions.Logging;

namespace Deror.Exo.Simulator.Cluster;

/// <summary>
/// One node's view of the simulated cluster: who is live, who is master, the master's state (owned here when this
/// node is master, replicated from the master's reports otherwise) and this node's runners. Each tick probes the
/// peers; a change of the live set, or a peer that names another master, starts an election; a new master starts
/// from an empty state and every node rebuilds its worker, as in exo.
/// </summary>
internal sealed class ClusterNode
{
    private readonly object _sync = new();
    private readonly ExoSimOptions _options;
    private readonly Discovery _discovery;
    private readonly PeerClient _peers;
    private readonly ILogger _logger;
    private readonly LocalWorker _worker;
    private MasterStore _master;
    private ExoState _replica = new();
    private HashSet<string> _live = new(StringComparer.Ordinal);
    private Dictionary<string, PeerEndpoint> _endpoints = new(StringComparer.Ordinal);
    private string? _masterId;
    private bool _electing = true;
    private DateTimeOffset _electionEnds;
    private TaskCompletionSource _electionOver = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ClusterNode(ExoSimOptions options, Discovery discovery, PeerClient peers, ILogger logger)
    {
        _options = options;
        _discovery = discovery;
        _peers = peers;
        _logger = logger;
        NodeId = Guid.NewGuid().ToString();
        StartedAt = DateTimeOffset.UtcNow;
        _electionEnds = StartedAt + options.ElectionDuration;
        _worker = new LocalWorker(NodeId, options);
        _master = new MasterStore(options, logger, StartedAt);
    }

    /// <summary>Random on every start, like exo's.</summary>
    public string NodeId { get; }

    public DateTimeOffset StartedAt { get; }

    public Uri? ApiAddress { get; set; }

    public ExoSimOptions Options => _options;

    public PeerClient Peers => _peers;

    /// <summary>The state this node serves at <c>/state</c>: its own if master, else the last one the master sent.</summary>
    public ExoState CurrentState()
    {
        lock (_sync)
        {
            return CurrentStateLocked();
        }
    }

    public ClusterStatus Status()
    {
        lock (_sync)
        {
            return new ClusterStatus(NodeId, _masterId, _masterId == NodeId, _electing, _live.Order(StringComparer.Ordinal).ToArray());
        }
    }

    public PeerReport Report(bool includeState)
    {
        lock (_sync)
        {
            return ReportLocked(DateTimeOffset.UtcNow, includeState && _masterId == NodeId && !_electing);
        }
    }

    /// <summary>
    /// Waits until no election is running and returns the master: this node (null address) or a peer's address.
    /// There is no timeout here, as in exo: callers bring their own.
    /// </summary>
    public async Task<MasterRef> WaitForMasterAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task over;
            lock (_sync)
            {
                if (!_electing && _masterId is not null)
                {
                    if (_masterId == NodeId)
                    {
                        return new MasterRef(NodeId, null);
                    }
                    if (_endpoints.TryGetValue(_masterId, out var endpoint))
                    {
                        return new MasterRef(_masterId, endpoint.ApiAddress);
                    }
                }
                over = _electionOver.Task;
            }
            await Task.WhenAny(over, Task.Delay(_options.TickInterval, cancellationToken)).WaitAsync(cancellationToken);
        }
    }

    /// <summary>Runs <paramref name="action"/> on the master state if this node is master (and no election runs).</summary>
    public bool TryAsMaster<T>(Func<MasterStore, ExoState, T> action, out T result)
    {
        lock (_sync)
        {
            if (_electing || _masterId != NodeId)
            {
                result = default!;
                return false;
            }
            result = action(_master, _master.Snapshot());
            return true;
        }
    }

    public IReadOnlyList<string> FailRunners(string? runnerId, string? instanceId, string message)
    {
        lock (_sync)
        {
            return _worker.Fail(runnerId, instanceId, message);
        }
    }

    public async Task TickAsync(CancellationToken cancellationToken)
    {
        string? masterId;
        lock (_sync)
        {
            masterId = _masterId;
        }
        var peers = _discovery.Peers();
        var reports = await Task.WhenAll(peers.Select(p => _peers.ProbeAsync(p, includeState: p.NodeId == masterId, cancellationToken)));
        var live = reports.Where(r => r is not null && r.Namespace == _options.Namespace).Select(r => r!).ToList();
        var now = DateTimeOffset.UtcNow;
        lock (_sync)
        {
            _endpoints = peers.Where(p => live.Any(r => r.NodeId == p.NodeId)).ToDictionary(p => p.NodeId, StringComparer.Ordinal);
            var all = live.Append(ReportLocked(now, includeState: false)).ToList();
            var ids = all.Select(r => r.NodeId).ToHashSet(StringComparer.Ordinal);
            var disagreement = !_electing && live.Any(r => !r.Electing && r.MasterId is not null && r.MasterId != _masterId);
            if (!ids.SetEquals(_live) || disagreement)
            {
                _live = ids;
                _electionEnds = now + _options.ElectionDuration;
                if (!_electing)
                {
                    _electing = true;
                    _electionOver = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    Log.ElectionStarted(_logger, ids.Count);
                }
            }
            if (_electing && now >= _electionEnds)
            {
                FinishElection(Election.Choose(all), now);
            }
            if (!_electing)
            {
                if (_masterId == NodeId)
                {
                    _master.Observe(all, now);
                }
                else if (live.FirstOrDefault(r => r.NodeId == _masterId)?.State is { } state)
                {
                    _replica = state;
                }
            }
            _worker.Reconcile(CurrentStateLocked(), now);
        }
    }

    private void FinishElection(string winner, DateTimeOffset now)
    {
        if (winner != _masterId)
        {
            if (_masterId is not null)
            {
                Log.MasterChanged(_logger, _masterId, winner);
            }
            _master = new MasterStore(_options, _logger, now);
            _replica = new ExoState();
            _worker.Clear();
            _masterId = winner;
        }
        _electing = false;
        _electionOver.TrySetResult();
        Log.MasterElected(_logger, winner);
    }

    private ExoState CurrentStateLocked() => _masterId == NodeId ? _master.Snapshot() : _replica;

    private PeerReport ReportLocked(DateTimeOffset now, bool includeState)
    {
        var memory = _options.MemoryMb * 1024 * 1024;
        var disk = _options.DiskMb * 1024 * 1024;
        return new PeerReport
        {
            NodeId = NodeId,
            Namespace = _options.Namespace,
            StartedAt = StartedAt,
            ForceMaster = _options.ForceMaster,
            Worker = !_options.NoWorker,
            MasterId = _masterId,
            Electing = _electing,
            Identity = new NodeIdentity("Unknown Model", "Unknown Chip", _options.FriendlyName, Environment.OSVersion.VersionString),
            Memory = new NodeMemory(new MemorySize(memory), new MemorySize(memory - _worker.AllocatedBytes(now)), new MemorySize(0), new MemorySize(0)),
            Disk = new NodeDisk(new MemorySize(disk), new MemorySize(disk * 3 / 4)),
            Network = new NodeNetwork([new NetworkInterfaceInfo("lo", "127.0.0.1", "Loopback")]),
            Backends = [ExoBackends.MlxCpu],
            Runners = _worker.Statuses(now),
            Downloads = _worker.Downloads(),
            State = includeState ? _master.Snapshot() : null,
        };
    }
}

/// <summary>The master: this node when <see cref="Address"/> is null.</summary>
internal sealed record MasterRef(string NodeId, Uri? Address);

/// <summary>The simulator's own view of the election (exo does not expose the master's id; <c>/_sim/control/status</c> does).</summary>
public sealed record ClusterStatus(string NodeId, string? MasterId, bool IsMaster, bool Electing, IReadOnlyList<string> LiveNodes);
