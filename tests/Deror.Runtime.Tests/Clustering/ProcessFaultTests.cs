using System.Diagnostics;
using Deror.Client;
using Deror.Grains;
using Deror.Persistence.Sqlite;
using Deror.Runtime.Tests.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Runtime.Tests.Clustering;

/// <summary>
/// Three real silo processes sharing one SQLite store (the embedded default): a silo killed with SIGKILL is
/// declared dead and its grains come back elsewhere with their state; a paused (SIGSTOP) silo is declared dead
/// and, once resumed, stops itself instead of serving duplicates.
/// </summary>
[Collection(ProcessTestsCollection.Name)]
public sealed class ProcessFaultTests : IDisposable
{
    private const string ClusterId = "faults";

    private readonly string _directory = Directory.CreateTempSubdirectory("deror-faults-").FullName;
    private readonly List<SiloProcess> _processes = [];

    private string DatabasePath => Path.Combine(_directory, "cluster.db");

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_killed_silo_is_declared_dead_its_grains_reactivate_with_state_and_it_rejoins_as_a_new_generation()
    {
        var ports = Enumerable.Range(0, 3).Select(_ => (Silo: FreePort.Next(), Gateway: FreePort.Next())).ToArray();
        var silos = ports.Select(p => StartSilo(p.Silo, p.Gateway)).ToArray();
        using var table = new SqliteMembershipTable(new SqliteStorageOptions { DatabasePath = DatabasePath }, ClusterId, NullLoggerFactory.Instance);
        await WaitForActiveAsync(table, 3);
        var settings = new DerorClientSettings { ClusterId = ClusterId };
        foreach (var (_, gateway) in ports)
        {
            settings.Gateways.Add($"127.0.0.1:{gateway}");
        }
        await using var client = await DerorClient.ConnectAsync(settings);
        var grains = Enumerable.Range(0, 30).Select(i => client.GetGrain<IHelloGrain>($"fault-{i}")).ToArray();
        Assert.All(await Task.WhenAll(grains.Select(g => g.SayHello("before"))), greeting => Assert.Equal(1, greeting.Count));

        var victim = (await table.ReadAllAsync()).Rows.Single(r => r.Entry.SiloAddress.Endpoint.Port == ports[0].Silo).Entry.SiloAddress;
        var killedAt = Stopwatch.StartNew();
        await silos[0].KillAsync();
        await Eventually.Returns(async () => (await table.ReadAllAsync()).Find(victim)!.Entry.Status, s => s == SiloStatus.Dead, TimeSpan.FromSeconds(20), "the killed silo to be declared dead");
        var detection = killedAt.Elapsed;

        var counts = await Eventually.Returns(
            () => Task.WhenAll(grains.Select(GreetOrFailAsync)),
            c => c.All(n => n > 0),
            TimeSpan.FromSeconds(20),
            "every grain to answer from a survivor");
        // Calls that failed above never reached a grain, so each grain saw exactly one more greeting.
        Assert.All(counts, n => Assert.Equal(2, n));
        Assert.True(detection < TimeSpan.FromSeconds(10), $"declared dead after {detection.TotalSeconds:0.0} s");

        StartSilo(ports[0].Silo, ports[0].Gateway);
        var rejoined = await Eventually.Returns(
            async () => (await table.ReadAllAsync()).Rows.Where(r => r.Entry.SiloAddress.Endpoint.Equals(victim.Endpoint)).ToArray(),
            rows => rows.Any(r => r.Entry.Status == SiloStatus.Active),
            TimeSpan.FromSeconds(20),
            "the restarted silo to join");
        Assert.Contains(rejoined, r => r.Entry.SiloAddress.Equals(victim) && r.Entry.Status == SiloStatus.Dead);
        Assert.Contains(rejoined, r => r.Entry.SiloAddress.Generation > victim.Generation && r.Entry.Status == SiloStatus.Active);
    }

    [Fact]
    public async Task A_paused_silo_is_declared_dead_and_stops_itself_when_it_resumes()
    {
        var ports = Enumerable.Range(0, 3).Select(_ => (Silo: FreePort.Next(), Gateway: FreePort.Next())).ToArray();
        var silos = ports.Select(p => StartSilo(p.Silo, p.Gateway)).ToArray();
        using var table = new SqliteMembershipTable(new SqliteStorageOptions { DatabasePath = DatabasePath }, ClusterId, NullLoggerFactory.Instance);
        await WaitForActiveAsync(table, 3);
        var paused = (await table.ReadAllAsync()).Rows.Single(r => r.Entry.SiloAddress.Endpoint.Port == ports[1].Silo).Entry.SiloAddress;

        await silos[1].SignalAsync("STOP");
        try
        {
            await Eventually.Returns(async () => (await table.ReadAllAsync()).Find(paused)!.Entry.Status, s => s == SiloStatus.Dead, TimeSpan.FromSeconds(20), "the paused silo to be declared dead");
        }
        finally
        {
            await silos[1].SignalAsync("CONT");
        }

        await Eventually.Returns(() => Task.FromResult(silos[1].HasExited), exited => exited, TimeSpan.FromSeconds(30), "the resumed silo to stop itself");
        Assert.Contains("declared dead", silos[1].Output, StringComparison.Ordinal);
        Assert.False(silos[0].HasExited);
        Assert.False(silos[2].HasExited);
    }

    private SiloProcess StartSilo(int siloPort, int gatewayPort)
    {
        var process = SiloProcess.Start(
            _directory,
            $"--Deror:ClusterId={ClusterId}",
            $"--Deror:SiloPort={siloPort}",
            $"--Deror:GatewayPort={gatewayPort}",
            $"--Deror:Storage:SqlitePath={DatabasePath}");
        _processes.Add(process);
        return process;
    }

    private static async Task<int> GreetOrFailAsync(IHelloGrain grain)
    {
        try
        {
            return (await grain.SayHello("after")).Count;
        }
        catch (DerorException)
        {
            return -1;
        }
    }

    private static Task WaitForActiveAsync(SqliteMembershipTable table, int count)
        => Eventually.Returns(async () => (await table.ReadAllAsync()).Rows.Count(r => r.Entry.Status == SiloStatus.Active), n => n == count, TimeSpan.FromSeconds(30), $"{count} active silos");
}
