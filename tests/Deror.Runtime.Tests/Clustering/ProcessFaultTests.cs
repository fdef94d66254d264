using System.Diagnostics;
using Deror.Client;
using Deror.Grains;
using Deror.Runtime.Membership;
using Deror.Runtime.Ring;
using Deror.Runtime.Tests.Hosting;
using Deror.Testing.Grains;

namespace Deror.Runtime.Tests.Clustering;

/// <summary>
/// Three real silo processes sharing one store: a silo killed with SIGKILL is declared dead and its grains come
/// back elsewhere with their state; the killed silo restarts as a new generation; a paused (SIGSTOP) silo is
/// declared dead and, once resumed, stops itself instead of serving duplicates. Run against every store.
/// </summary>
[Collection(ProcessTestsCollection.Name)]
public abstract class ProcessFaultTests : IDisposable
{
    private readonly List<SiloProcess> _processes = [];

    protected string ClusterId { get; } = $"faults-{Guid.NewGuid():N}"[..15];

    protected string WorkingDirectory { get; } = Directory.CreateTempSubdirectory("deror-faults-").FullName;

    /// <summary>The silo arguments that select this store.</summary>
    protected abstract IEnumerable<string> StoreArguments { get; }

    /// <summary>The cluster's membership table, read the way a silo reads it.</summary>
    protected abstract IMembershipTable OpenMembershipTable();

    public virtual void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }
        Directory.Delete(WorkingDirectory, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_killed_silo_is_declared_dead_its_grains_reactivate_with_state_and_it_rejoins_as_a_new_generation()
    {
        var ports = Enumerable.Range(0, 3).Select(_ => (Silo: FreePort.Next(), Gateway: FreePort.Next())).ToArray();
        var silos = ports.Select(p => StartSilo(p.Silo, p.Gateway)).ToArray();
        var table = OpenMembershipTable();
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

        var recovered = await Task.WhenAll(grains.Select(g => GreetUntilAnsweredAsync(g, TimeSpan.FromSeconds(20))));
        // State survived the crash (no grain started over), and each grain now answers from one activation only:
        // successive greetings count up by exactly one.
        Assert.All(recovered, n => Assert.True(n >= 2, $"count {n}: the grain lost its state"));
        for (var round = 1; round <= 3; round++)
        {
            var next = await Task.WhenAll(grains.Select(g => g.SayHello("again")));
            Assert.Equal(recovered.Select(n => n + round), next.Select(greeting => greeting.Count));
        }
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
        var table = OpenMembershipTable();
        await WaitForActiveAsync(table, 3);
        var paused = (await table.ReadAllAsync()).Rows.Single(r => r.Entry.SiloAddress.Endpoint.Port == ports[1].Silo).Entry.SiloAddress;
        var settings = new DerorClientSettings { ClusterId = ClusterId };
        foreach (var (_, gateway) in ports)
        {
            settings.Gateways.Add($"127.0.0.1:{gateway}");
        }
        await using var client = await DerorClient.ConnectAsync(settings);
        var grains = Enumerable.Range(0, 20).Select(i => client.GetGrain<IHelloGrain>($"paused-{i}")).ToArray();
        await Task.WhenAll(grains.Select(g => g.SayHello("before")));

        await silos[1].SignalAsync("STOP");
        try
        {
            await Eventually.Returns(async () => (await table.ReadAllAsync()).Find(paused)!.Entry.Status, s => s == SiloStatus.Dead, TimeSpan.FromSeconds(20), "the paused silo to be declared dead");
            // The hung silo keeps its connections open; the client must stop sending there once the cluster says it is dead.
            await Eventually.Returns(() => AllAnswerWithinAsync(grains, TimeSpan.FromSeconds(1)), ok => ok, TimeSpan.FromSeconds(15), "every grain to answer promptly without the hung gateway");
        }
        finally
        {
            await silos[1].SignalAsync("CONT");
        }

        // Waiting for the exit also drains the process's output, so its last log lines are there to read.
        await silos[1].WaitForExitAsync();
        Assert.Contains("declared dead", silos[1].Output, StringComparison.Ordinal);
        Assert.False(silos[0].HasExited);
        Assert.False(silos[2].HasExited);
    }

    [Fact]
    public async Task Reminders_and_jobs_of_a_killed_silo_keep_running_on_a_survivor()
    {
        var ports = Enumerable.Range(0, 3).Select(_ => (Silo: FreePort.Next(), Gateway: FreePort.Next())).ToArray();
        var silos = ports.Select(p => StartSilo(p.Silo, p.Gateway, withTestGrains: true)).ToArray();
        var table = OpenMembershipTable();
        await WaitForActiveAsync(table, 3);
        var settings = new DerorClientSettings { ClusterId = ClusterId };
        foreach (var (_, gateway) in ports)
        {
            settings.Gateways.Add($"127.0.0.1:{gateway}");
        }
        await using var client = await DerorClient.ConnectAsync(settings);
        var reminders = Enumerable.Range(0, 30).Select(i => client.GetGrain<IReminderProbeGrain>($"tick-{i}-{Guid.NewGuid():N}")).ToArray();
        var jobs = Enumerable.Range(0, 30).Select(i => client.GetGrain<IJobProbeGrain>($"job-{i}-{Guid.NewGuid():N}")).ToArray();
        await Task.WhenAll(reminders.Select(g => g.Register("tick", 0, 1000)));
        // Due well after the kill below, so no job can have started on the victim: each must run once, on a survivor.
        await Task.WhenAll(jobs.Select(g => g.Schedule("later", 6000, failures: 0)));
        var snapshot = await table.ReadAllAsync();
        var victim = snapshot.Rows.Single(r => r.Entry.SiloAddress.Endpoint.Port == ports[0].Silo).Entry.SiloAddress;
        var ring = RingOf(snapshot, victim);
        Assert.Contains(reminders, g => ring.Owns(g.GetGrainId().GetUniformHashCode()));
        Assert.Contains(jobs, g => ring.Owns(g.GetGrainId().GetUniformHashCode()));

        await silos[0].KillAsync();
        await Eventually.Returns(async () => (await table.ReadAllAsync()).Find(victim)!.Entry.Status, s => s == SiloStatus.Dead, TimeSpan.FromSeconds(20), "the killed silo to be declared dead");
        var atDeath = await Eventually.Returns(() => OrNullAsync(() => Task.WhenAll(reminders.Select(g => g.GetTicks("tick")))), t => t is not null, TimeSpan.FromSeconds(20), "the reminder grains to answer");

        // Every reminder ticks on (the victim's included: a survivor took its ranges over), counted durably.
        await Eventually.Returns(
            () => OrNullAsync(() => Task.WhenAll(reminders.Select(g => g.GetTicks("tick")))),
            t => t is not null && t.Zip(atDeath!).All(p => p.First >= p.Second + 2),
            TimeSpan.FromSeconds(20),
            "every reminder to keep ticking after the kill");
        var done = await Eventually.Returns(
            () => OrNullAsync(() => Task.WhenAll(jobs.Select(g => g.GetRecord()))),
            r => r is not null && r.All(x => x.Completed.Count >= 1),
            TimeSpan.FromSeconds(30),
            "every job to run");
        // Two more reminder periods pass before the final look, time enough for any duplicate run to show.
        var afterJobs = await Task.WhenAll(reminders.Select(g => g.GetTicks("tick")));
        await Eventually.Returns(() => Task.WhenAll(reminders.Select(g => g.GetTicks("tick"))), t => t.Zip(afterJobs).All(p => p.First >= p.Second + 2), TimeSpan.FromSeconds(20), "two more ticks");
        Assert.All(await Task.WhenAll(jobs.Select(g => g.GetRecord())), r =>
        {
            // The handler ran once. (Its attempt number may be 2: a delivery to a grain still placed on the
            // victim before its death was declared fails, and counts as an attempt.)
            Assert.Equal(["later"], r.Completed);
            Assert.Single(r.Attempts);
        });
        Assert.Equal(30, done!.Length);
    }

    /// <summary>The reminder and job ranges <paramref name="silo"/> owns in the cluster <paramref name="snapshot"/> shows.</summary>
    private static MembershipRingOwnership RingOf(MembershipTableSnapshot snapshot, SiloAddress silo)
    {
        var view = new ClusterMembershipView();
        view.TryUpdate(snapshot);
        return new MembershipRingOwnership(view, new FixedSiloDetails(silo));
    }

    private static async Task<T?> OrNullAsync<T>(Func<Task<T>> call)
        where T : class
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is DerorException or TimeoutException)
        {
            return null;
        }
    }

    private sealed record FixedSiloDetails(SiloAddress SiloAddress) : Messaging.ILocalSiloDetails
    {
        public System.Net.IPEndPoint GatewayEndpoint => SiloAddress.Endpoint;

        public string SiloName => "ring";

        public string ClusterId => "ring";
    }

    private protected SiloProcess StartSilo(int siloPort, int gatewayPort, bool withTestGrains = false)
    {
        var process = SiloProcess.Start(
            WorkingDirectory,
            withTestGrains ? SiloProcess.TestGrainsHook() : new Dictionary<string, string>(),
            [$"--Deror:ClusterId={ClusterId}", $"--Deror:SiloPort={siloPort}", $"--Deror:GatewayPort={gatewayPort}", .. StoreArguments]);
        _processes.Add(process);
        return process;
    }

    /// <summary>
    /// The store goes away and comes back while three silos run: nobody is declared dead because of it (a vote needs
    /// a table write, and the silos keep their last view), and grain calls that write state work again afterwards.
    /// </summary>
    protected async Task AssertAStoreRestartIsSurvivedAsync(Action restartStore)
    {
        var ports = Enumerable.Range(0, 3).Select(_ => (Silo: FreePort.Next(), Gateway: FreePort.Next())).ToArray();
        foreach (var (silo, gateway) in ports)
        {
            StartSilo(silo, gateway);
        }
        var table = OpenMembershipTable();
        await WaitForActiveAsync(table, 3);
        var settings = new DerorClientSettings { ClusterId = ClusterId };
        foreach (var (_, gateway) in ports)
        {
            settings.Gateways.Add($"127.0.0.1:{gateway}");
        }
        await using var client = await DerorClient.ConnectAsync(settings);
        var grains = Enumerable.Range(0, 10).Select(i => client.GetGrain<IHelloGrain>($"store-{i}")).ToArray();
        Assert.All(await Task.WhenAll(grains.Select(g => g.SayHello("before"))), greeting => Assert.Equal(1, greeting.Count));

        restartStore();
        // Long enough for probes to have failed and votes to have been cast, had the restart hurt membership.
        await Task.Delay(TimeSpan.FromSeconds(6));

        var counts = await Task.WhenAll(grains.Select(g => GreetUntilAnsweredAsync(g, TimeSpan.FromSeconds(30))));
        Assert.All(counts, n => Assert.True(n > 1));
        // The test's own pooled connections broke with the restart too; like the silos, it retries.
        var rows = (await Eventually.Returns(() => ReadOrNullAsync(table), s => s is not null, TimeSpan.FromSeconds(10), "the table to be readable"))!.Rows;
        Assert.Equal(3, rows.Count(r => r.Entry.Status == SiloStatus.Active));
        Assert.DoesNotContain(rows, r => r.Entry.Status == SiloStatus.Dead);
    }

    private static async Task<MembershipTableSnapshot?> ReadOrNullAsync(IMembershipTable table)
    {
        try
        {
            return await table.ReadAllAsync();
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static async Task<bool> AllAnswerWithinAsync(IEnumerable<IHelloGrain> grains, TimeSpan timeout)
    {
        try
        {
            await Task.WhenAll(grains.Select(g => g.SayHello("during")).Select(t => t.WaitAsync(timeout)));
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>Greets until a call succeeds (calls fail while the cluster recovers); returns the count it got.</summary>
    protected static async Task<int> GreetUntilAnsweredAsync(IHelloGrain grain, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return (await grain.SayHello("after")).Count;
            }
            catch (Exception e) when (e is DerorException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    protected async Task WaitForActiveAsync(IMembershipTable table, int count)
    {
        try
        {
            await Eventually.Returns(async () => (await table.ReadAllAsync()).Rows.Count(r => r.Entry.Status == SiloStatus.Active), n => n == count, TimeSpan.FromSeconds(45), $"{count} active silos");
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n{string.Join("\n", _processes.Select(p => $"--- silo pid {p.Pid} (exited: {p.HasExited}):\n{p.Output}"))}");
        }
    }
}
