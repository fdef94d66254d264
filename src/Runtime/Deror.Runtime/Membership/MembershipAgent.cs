using System.Collections.Concurrent;
using Deror.Configuration;
using Deror.Hosting;
using Deror.Runtime.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Runtime.Membership;

/// <summary>
/// This silo's part in the membership protocol (as in Orleans): join as Joining then Active, probe a few other
/// silos, vote a silo that misses too many probes dead (after an indirect probe through another silo), declare
/// it Dead when enough fresh votes meet, leave gracefully on shutdown, and stop itself if it ever reads its own
/// row as Dead. Every membership write is a compare-and-swap on the table version; after a write the other
/// silos are told to re-read the table (gossip).
/// </summary>
internal sealed partial class MembershipAgent(
    IMembershipTable table,
    ClusterMembershipView view,
    ILocalSiloDetails silo,
    IOptions<SiloOptions> siloOptions,
    IOptions<ClusterMembershipOptions> options,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<MembershipAgent> logger) : ISiloLifecycleParticipant
{
    private const int MaxWriteAttempts = 50;

    private readonly ClusterMembershipOptions _options = options.Value;
    private readonly ConcurrentDictionary<SiloAddress, int> _missedProbes = new();
    private readonly ConcurrentDictionary<SiloAddress, Task<bool>> _indirectProbes = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _refreshNow = new(0);
    private IGrainFactory? _grainFactory;
    private FreshRead? _freshRead;
    private Task _loops = Task.CompletedTask;
    private volatile bool _declaredDead;

    /// <summary>Before the gateway and before reminders and jobs, which depend on knowing the cluster.</summary>
    public int Stage => SiloLifecycleStage.RuntimeServices + 100;

    /// <summary>True once this silo read its own row as Dead; it must not serve anything from then on.</summary>
    public bool IsDeclaredDead => _declaredDead;

    private IGrainFactory GrainFactory => _grainFactory ??= services.GetRequiredService<IGrainFactory>();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await table.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await table.CleanupDefunctSiloEntriesAsync(clock.GetUtcNow() - _options.DefunctSiloExpiration, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var o = siloOptions.Value;
        var entry = new MembershipEntry
        {
            SiloAddress = silo.SiloAddress,
            Status = SiloStatus.Joining,
            SiloName = o.SiloName,
            HostName = Environment.MachineName,
            GatewayPort = silo.GatewayEndpoint.Port,
            Metadata = new Dictionary<string, string>(o.Metadata, StringComparer.Ordinal),
            StartTime = now,
            IAmAliveTime = now,
        };
        await WriteAsync(snapshot => snapshot.Find(silo.SiloAddress) is null ? (EnsureNewestGeneration(snapshot, entry), null) : null, cancellationToken).ConfigureAwait(false);
        await SetOwnStatusAsync(SiloStatus.Active, cancellationToken).ConfigureAwait(false);
        LogJoined(logger, silo.SiloAddress, view.Version, view.ActiveSilos.Count);
        _loops = Task.WhenAll(ProbeLoopAsync(), RefreshLoopAsync(), IAmAliveLoopAsync());
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        await _loops.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_declaredDead)
        {
            return;
        }
        try
        {
            // Graceful leave: others stop routing here at once instead of waiting for probes to fail.
            await SetOwnStatusAsync(SiloStatus.ShuttingDown, cancellationToken).ConfigureAwait(false);
            await SetOwnStatusAsync(SiloStatus.Dead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogLeaveFailed(logger, e);
        }
    }

    /// <summary>Probes <paramref name="target"/> once; true if it answered as that exact silo within the probe timeout.</summary>
    public async Task<bool> ProbeAsync(SiloAddress target)
    {
        try
        {
            var answer = await GrainFactory.GetGrain<ISiloControlGrain>(SiloControlGrain.IdOf(target)).Ping()
                .WaitAsync(1.5 * _options.ProbeTimeout, clock).ConfigureAwait(false);
            return answer == target.ToString();
        }
        catch (Exception)
        {
            return false;
        }
    }

    public void OnGossip(int version)
    {
        if (version > view.Version)
        {
            _refreshNow.Release();
        }
    }

    /// <summary>
    /// Makes this silo's view at least as new as the table was when called (a fence: whoever acts on ring
    /// ownership after this knows every change written before). Concurrent callers share table reads.
    /// </summary>
    public Task EnsureCurrentViewAsync()
        => LazyInitializer.EnsureInitialized(ref _freshRead, () => new FreshRead(() => RefreshAsync(_stopping.Token))).RunAsync();

    /// <summary>Reads the table, installs it if newer, and stops this silo if the table says it is dead.</summary>
    public async Task<MembershipTableSnapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        var snapshot = await table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        view.TryUpdate(snapshot);
        if (snapshot.Find(silo.SiloAddress)?.Entry.Status == SiloStatus.Dead && !_declaredDead && !_stopping.IsCancellationRequested)
        {
            _declaredDead = true;
            view.MarkLocalSiloDead();
            LogDeclaredDead(logger, silo.SiloAddress);
            lifetime.StopApplication();
        }
        return snapshot;
    }

    /// <summary>
    /// Generations must grow per endpoint: others treat an older generation on the same endpoint as dead, so a
    /// silo whose clock went back would be taken for its own predecessor. Joining like that fails loudly.
    /// </summary>
    private MembershipEntry EnsureNewestGeneration(MembershipTableSnapshot snapshot, MembershipEntry entry)
    {
        var newest = snapshot.Rows.Select(r => r.Entry.SiloAddress)
            .Where(a => a.Endpoint.Equals(silo.SiloAddress.Endpoint))
            .MaxBy(a => a.Generation);
        if (newest is not null && newest.Generation >= silo.SiloAddress.Generation)
        {
            throw new DerorException(
                $"Cannot join as {silo.SiloAddress}: the membership table already has generation {newest.Generation} on {silo.SiloAddress.Endpoint}. " +
                "Generations are start times in milliseconds; has this machine's clock gone back?");
        }
        return entry;
    }

    private Task SetOwnStatusAsync(SiloStatus status, CancellationToken cancellationToken)
        => WriteAsync(snapshot => snapshot.Find(silo.SiloAddress) is { } row && row.Entry.Status != SiloStatus.Dead && row.Entry.Status != status
            ? (row.Entry with { Status = status, IAmAliveTime = clock.GetUtcNow() }, row.ETag)
            : null, cancellationToken);

    /// <summary>
    /// Read-modify-write with compare-and-swap on the table version, retried while other silos win the race.
    /// <paramref name="change"/> returns the new row and the etag of the row it replaces (null to insert), or null
    /// when no change is needed any more.
    /// </summary>
    private async Task<bool> WriteAsync(Func<MembershipTableSnapshot, (MembershipEntry Entry, string? RowETag)?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var snapshot = await RefreshAsync(cancellationToken).ConfigureAwait(false);
            if (change(snapshot) is not { } write)
            {
                return false;
            }
            var version = snapshot.Version.Next();
            var written = write.RowETag is null
                ? await table.InsertRowAsync(write.Entry, version, cancellationToken).ConfigureAwait(false)
                : await table.UpdateRowAsync(write.Entry, write.RowETag, version, cancellationToken).ConfigureAwait(false);
            if (written)
            {
                await RefreshAsync(cancellationToken).ConfigureAwait(false);
                Gossip(version.Version);
                return true;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 50)), clock, cancellationToken).ConfigureAwait(false);
        }
        throw new DerorException($"Could not update the membership table after {MaxWriteAttempts} attempts: other silos kept winning the race.");
    }

    private void Gossip(int version)
    {
        foreach (var other in view.ActiveSilos.Where(e => !e.SiloAddress.Equals(silo.SiloAddress)))
        {
            GrainFactory.GetGrain<ISiloControlGrain>(SiloControlGrain.IdOf(other.SiloAddress)).MembershipChanged(version);
        }
    }

    private async Task ProbeLoopAsync()
    {
        var roundStart = clock.GetTimestamp();
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                // Rounds start on a fixed cadence: a hung peer's probe timeout runs inside the interval, not after it.
                var wait = _options.ProbeInterval - clock.GetElapsedTime(roundStart);
                var sleptFrom = clock.GetTimestamp();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock, _stopping.Token).ConfigureAwait(false);
                }
                var overslept = clock.GetElapsedTime(sleptFrom) - (wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
                roundStart = clock.GetTimestamp();
                // Woken far later than asked: this silo was starved or paused (e.g. SIGSTOP). Its own lateness says
                // nothing about the others, and it may have been declared dead meanwhile: check before probing.
                if (overslept > 2 * _options.ProbeInterval)
                {
                    LogStarved(logger, overslept.TotalMilliseconds);
                    await RefreshAsync(_stopping.Token).ConfigureAwait(false);
                    continue;
                }
                await Task.WhenAll(ProbeTargets().Select(ProbeAndJudgeAsync)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogProbeRoundFailed(logger, e);
            }
        }
    }

    /// <summary>The next few active silos after this one on a ring ordered by address hash, so probing load spreads evenly.</summary>
    private IEnumerable<SiloAddress> ProbeTargets()
    {
        var ring = view.ActiveSilos.Select(e => e.SiloAddress).OrderBy(s => s.GetConsistentHashCode()).ThenBy(s => s.ToString(), StringComparer.Ordinal).ToList();
        var me = ring.FindIndex(s => s.Equals(silo.SiloAddress));
        if (me < 0)
        {
            return [];
        }
        return Enumerable.Range(1, Math.Min(_options.ProbedSilos, ring.Count - 1)).Select(i => ring[(me + i) % ring.Count]);
    }

    private async Task ProbeAndJudgeAsync(SiloAddress target)
    {
        if (await ProbeAsync(target).ConfigureAwait(false))
        {
            _missedProbes.TryRemove(target, out _);
            _indirectProbes.TryRemove(target, out _);
            return;
        }
        var missed = _missedProbes.AddOrUpdate(target, 1, (_, n) => n + 1);
        LogProbeMissed(logger, target, missed);
        if (missed == _options.MissedProbesLimit - 1)
        {
            // Ask another silo now, alongside the last direct probe, so its answer is ready when that one misses.
            _indirectProbes[target] = ProbedIndirectlyAsync(target);
        }
        if (missed < _options.MissedProbesLimit)
        {
            return;
        }
        var indirect = _indirectProbes.TryRemove(target, out var started) ? started : ProbedIndirectlyAsync(target);
        if (await indirect.ConfigureAwait(false))
        {
            // Someone else reaches it: the problem is between us, not the target being dead.
            LogIndirectProbeSucceeded(logger, target);
            _missedProbes.TryRemove(target, out _);
            return;
        }
        await VoteAsync(target).ConfigureAwait(false);
    }

    private async Task<bool> ProbedIndirectlyAsync(SiloAddress target)
    {
        var intermediary = view.ActiveSilos.Select(e => e.SiloAddress)
            .Where(s => !s.Equals(target) && !s.Equals(silo.SiloAddress))
            .OrderBy(_ => Random.Shared.Next())
            .FirstOrDefault();
        if (intermediary is null)
        {
            return false;
        }
        try
        {
            return await GrainFactory.GetGrain<ISiloControlGrain>(SiloControlGrain.IdOf(intermediary)).ProbeIndirectly(target.ToString())
                .WaitAsync(1.5 * _options.ProbeTimeout, clock).ConfigureAwait(false);
        }
        catch (Exception)
        {
            return false;
        }
    }

    private async Task VoteAsync(SiloAddress target)
    {
        var declared = false;
        await WriteAsync(snapshot =>
        {
            if (snapshot.Find(target) is not { Entry.Status: not SiloStatus.Dead } row)
            {
                return null;
            }
            var now = clock.GetUtcNow();
            var votes = row.Entry.SuspectVotes
                .Where(v => now - v.Time < _options.DeathVoteExpiration && !v.Suspecter.Equals(silo.SiloAddress))
                .Append(new SuspectVote(silo.SiloAddress, now))
                .ToArray();
            var activeSilos = snapshot.Rows.Count(r => r.Entry.Status == SiloStatus.Active);
            var needed = Math.Max(1, Math.Min(_options.VotesForDeathDeclaration, (activeSilos + 1) / 2));
            declared = votes.Length >= needed;
            return (row.Entry with { SuspectVotes = votes, Status = declared ? SiloStatus.Dead : row.Entry.Status }, row.ETag);
        }, _stopping.Token).ConfigureAwait(false);
        if (declared)
        {
            _missedProbes.TryRemove(target, out _);
            _indirectProbes.TryRemove(target, out _);
            LogDeclaredOtherDead(logger, target);
        }
    }

    private async Task RefreshLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await _refreshNow.WaitAsync(_options.TableRefreshInterval, _stopping.Token).ConfigureAwait(false);
                await RefreshAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A store outage must not kill anyone: keep the last view and try again.
                LogRefreshFailed(logger, e.Message);
            }
        }
    }

    private async Task IAmAliveLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.IAmAliveInterval, clock, _stopping.Token).ConfigureAwait(false);
                await table.UpdateIAmAliveAsync(silo.SiloAddress, clock.GetUtcNow(), _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogRefreshFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Silo} joined the cluster (table version {Version}, {Active} active silo(s))")]
    private static partial void LogJoined(ILogger logger, SiloAddress silo, int version, int active);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leaving the membership table gracefully failed; others will detect this silo as dead")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Critical, Message = "This silo ({Silo}) is declared dead in the membership table; stopping it so it cannot serve duplicate activations")]
    private static partial void LogDeclaredDead(ILogger logger, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Declared silo {Silo} dead")]
    private static partial void LogDeclaredOtherDead(ILogger logger, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Silo {Silo} missed {Missed} probe(s) in a row")]
    private static partial void LogProbeMissed(ILogger logger, SiloAddress silo, int missed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Silo} answers another silo's probe; not voting it dead")]
    private static partial void LogIndirectProbeSucceeded(ILogger logger, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The probe loop woke {Elapsed:0} ms later than asked: this silo was starved or paused; re-reading membership before probing")]
    private static partial void LogStarved(ILogger logger, double elapsed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A probe round failed")]
    private static partial void LogProbeRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading or writing the membership table failed ({Reason}); keeping the last view")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
