using System.Collections.Concurrent;
using Deror.Runtime.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Deror.Runtime.Membership;

/// <summary>
/// Finds and registers activations in the cluster's grain directory, with a local cache of lookups. Entries on
/// dead silos count as free: they are taken over by compare-and-set and dropped from the cache (and from the
/// directory) as soon as membership says the silo is dead. Without a directory (a lone silo) nothing is looked up.
/// </summary>
internal sealed partial class GrainLocator
{
    private readonly IGrainDirectory? _directory;
    private readonly ClusterMembershipView _membership;
    private readonly ILocalSiloDetails _silo;
    private readonly ILogger<GrainLocator> _logger;
    private readonly ConcurrentDictionary<GrainId, GrainAddress> _cache = new();
    private readonly HashSet<SiloAddress> _knownDead = [];

    public GrainLocator(IServiceProvider services, ClusterMembershipView membership, ILocalSiloDetails silo, ILogger<GrainLocator> logger)
    {
        _directory = services.GetService<IMembershipTable>() is null ? null : services.GetService<IGrainDirectory>();
        _membership = membership;
        _silo = silo;
        _logger = logger;
        membership.Changed += OnMembershipChanged;
    }

    /// <summary>Whether this silo is part of a cluster with a shared directory.</summary>
    public bool IsClustered => _directory is not null;

    public bool TryGetCached(GrainId grainId, out SiloAddress? silo)
    {
        silo = null;
        if (_cache.TryGetValue(grainId, out var address) && !_membership.IsDead(address.SiloAddress))
        {
            silo = address.SiloAddress;
            return true;
        }
        return false;
    }

    /// <summary>The live silo holding the grain's activation, or null if it has none (or only one on a dead silo).</summary>
    public async Task<SiloAddress?> LookupAsync(GrainId grainId)
    {
        var address = await _directory!.LookupAsync(grainId).ConfigureAwait(false);
        if (address is null || _membership.IsDead(address.SiloAddress))
        {
            _cache.TryRemove(grainId, out _);
            return null;
        }
        _cache[grainId] = address;
        return address.SiloAddress;
    }

    /// <summary>
    /// Registers this activation unless another live one is registered; returns the registered winner. An entry on
    /// a dead silo, or a stale one of this silo (its activation is gone), is taken over.
    /// </summary>
    public async Task<GrainAddress> RegisterAsync(GrainAddress address)
    {
        GrainAddress? previous = null;
        for (var attempt = 0; ; attempt++)
        {
            var winner = await _directory!.RegisterAsync(address, previous).ConfigureAwait(false);
            var stale = !winner.Matches(address) && (_membership.IsDead(winner.SiloAddress) || winner.SiloAddress.Equals(_silo.SiloAddress));
            if (!stale || attempt >= 3)
            {
                _cache[address.GrainId] = winner;
                return winner;
            }
            previous = winner;
        }
    }

    public async Task UnregisterAsync(GrainAddress address)
    {
        _cache.TryRemove(new KeyValuePair<GrainId, GrainAddress>(address.GrainId, address));
        try
        {
            await _directory!.UnregisterAsync(address).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A leftover entry is harmless: it points at this silo, which takes it over on the next activation.
            LogUnregisterFailed(_logger, address.GrainId, e.Message);
        }
    }

    public void Invalidate(GrainId grainId) => _cache.TryRemove(grainId, out _);

    private void OnMembershipChanged(MembershipTableSnapshot snapshot)
    {
        var newlyDead = new List<SiloAddress>();
        lock (_knownDead)
        {
            foreach (var row in snapshot.Rows.Where(r => r.Entry.Status == SiloStatus.Dead))
            {
                if (_knownDead.Add(row.Entry.SiloAddress))
                {
                    newlyDead.Add(row.Entry.SiloAddress);
                }
            }
        }
        if (newlyDead.Count == 0)
        {
            return;
        }
        foreach (var (grainId, address) in _cache)
        {
            if (newlyDead.Contains(address.SiloAddress))
            {
                _cache.TryRemove(new KeyValuePair<GrainId, GrainAddress>(grainId, address));
            }
        }
        _ = RemoveDeadEntriesAsync(newlyDead);
    }

    private async Task RemoveDeadEntriesAsync(IReadOnlyCollection<SiloAddress> dead)
    {
        try
        {
            await _directory!.UnregisterSilosAsync(dead).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogCleanupFailed(_logger, string.Join(", ", dead), e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Unregistering {GrainId} from the directory failed: {Reason}")]
    private static partial void LogUnregisterFailed(ILogger logger, GrainId grainId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing the directory entries of dead silo(s) {Silos} failed: {Reason}")]
    private static partial void LogCleanupFailed(ILogger logger, string silos, string reason);
}
