using System.Collections.Concurrent;
using System.Diagnostics;
using Deror.Hosting;
using Deror.Runtime.Membership;
using Deror.Runtime.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Runtime.Placement;

/// <summary>
/// Knows the load of every active silo: measures its own, and asks the others through their silo-control grain
/// every couple of seconds. Placement reads the latest figures; a silo that does not answer keeps its last ones.
/// </summary>
internal sealed class SiloLoadMonitor(
    Catalog.Catalog catalog,
    ClusterMembershipView membership,
    ILocalSiloDetails silo,
    IServiceProvider services,
    TimeProvider clock) : ISiloLifecycleParticipant
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<SiloAddress, SiloLoad> _loads = new();
    private readonly object _cpuLock = new();
    private TimeSpan _lastCpu = Process.GetCurrentProcess().TotalProcessorTime;
    private long _lastCpuTimestamp = Stopwatch.GetTimestamp();
    private double _cpuUsage;
    private CancellationTokenSource? _stopping;
    private Task _loop = Task.CompletedTask;

    public int Stage => SiloLifecycleStage.ApplicationServices;

    /// <summary>The last known load of <paramref name="target"/>, if any.</summary>
    public SiloLoad? GetLoad(SiloAddress target) => target.Equals(silo.SiloAddress) ? MeasureLocal() : _loads.GetValueOrDefault(target);

    public SiloLoad MeasureLocal()
    {
        lock (_cpuLock)
        {
            // Refresh the CPU figure at most every half second so a burst of placements does not measure nothing.
            var now = Stopwatch.GetTimestamp();
            var elapsed = Stopwatch.GetElapsedTime(_lastCpuTimestamp, now);
            if (elapsed > TimeSpan.FromMilliseconds(500))
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                _cpuUsage = Math.Clamp((cpu - _lastCpu) / (elapsed * Environment.ProcessorCount), 0, 1);
                _lastCpu = cpu;
                _lastCpuTimestamp = now;
            }
        }
        var memory = GC.GetGCMemoryInfo();
        var memoryUsage = memory.TotalAvailableMemoryBytes > 0 ? Math.Clamp((double)Environment.WorkingSet / memory.TotalAvailableMemoryBytes, 0, 1) : 0;
        return new SiloLoad(catalog.Count, _cpuUsage, memoryUsage);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = new CancellationTokenSource();
        _loop = PollAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping?.Cancel();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task PollAsync(CancellationToken stopping)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        while (!stopping.IsCancellationRequested)
        {
            await Task.Delay(PollInterval, clock, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var others = membership.ActiveSilos.Select(e => e.SiloAddress).Where(s => !s.Equals(silo.SiloAddress)).ToArray();
            foreach (var gone in _loads.Keys.Except(others))
            {
                _loads.TryRemove(gone, out _);
            }
            await Task.WhenAll(others.Select(async other =>
            {
                try
                {
                    _loads[other] = await grains.GetGrain<ISiloControlGrain>(SiloControlGrain.IdOf(other)).GetLoad().WaitAsync(PollInterval, clock, stopping).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Unreachable or slow: membership deals with that; placement keeps the last figures.
                }
            })).ConfigureAwait(false);
        }
    }
}
