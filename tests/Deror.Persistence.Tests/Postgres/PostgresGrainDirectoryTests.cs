using System.Net;
using Deror.Persistence.Postgres;
using Deror.Persistence.Tests.Conformance;
using Deror.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Persistence.Tests.Postgres;

/// <summary>The grain directory on PostgreSQL: one entry per grain, registration is compare-and-set on the activation id.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresGrainDirectoryTests : IDisposable
{
    private static readonly GrainId Grain = TestGrains.Create("directory-1");

    private readonly PostgresTestScope _scope;

    public PostgresGrainDirectoryTests(PostgresServerFixture server) => _scope = new PostgresTestScope(server);

    public void Dispose() => _scope.Dispose();

    [Fact]
    public async Task LookingUpAnUnregisteredGrainReturnsNull()
    {
        Assert.Null(await NewDirectory().LookupAsync(Grain));
    }

    [Fact]
    public async Task RegisteringAFreeGrainWinsAndReadsBack()
    {
        var directory = NewDirectory();
        var address = Address(Grain, silo: 1);

        Assert.Equal(address, await directory.RegisterAsync(address, previousAddress: null));

        Assert.Equal(address, await directory.LookupAsync(Grain));
    }

    [Fact]
    public async Task RegisteringATakenGrainReturnsTheExistingEntry()
    {
        var directory = NewDirectory();
        var first = Address(Grain, silo: 1);
        await directory.RegisterAsync(first, previousAddress: null);

        Assert.Equal(first, await directory.RegisterAsync(Address(Grain, silo: 2), previousAddress: null));

        Assert.Equal(first, await directory.LookupAsync(Grain));
    }

    [Fact]
    public async Task RegisteringTheSameActivationAgainIsIdempotent()
    {
        var directory = NewDirectory();
        var address = Address(Grain, silo: 1);
        await directory.RegisterAsync(address, previousAddress: null);

        Assert.Equal(address, await directory.RegisterAsync(address, previousAddress: null));
    }

    [Fact]
    public async Task TwentyParallelRegistersOfOneGrainHaveOneWinner()
    {
        var racers = Enumerable.Range(1, 20).Select(silo => Address(Grain, silo)).ToArray();

        var results = await TestGrains.RaceAsync(20, i => NewDirectory().RegisterAsync(racers[i], previousAddress: null));

        var winner = Assert.Single(results.Distinct());
        Assert.Contains(winner, racers);
        Assert.Equal(winner, await NewDirectory().LookupAsync(Grain));
    }

    [Fact]
    public async Task RegisteringWithThePreviousActivationTakesTheEntryOver()
    {
        var directory = NewDirectory();
        var dead = Address(Grain, silo: 1);
        await directory.RegisterAsync(dead, previousAddress: null);
        var successor = Address(Grain, silo: 2);

        Assert.Equal(successor, await directory.RegisterAsync(successor, dead));

        Assert.Equal(successor, await directory.LookupAsync(Grain));
    }

    [Fact]
    public async Task RegisteringWithAStalePreviousActivationReturnsTheCurrentEntry()
    {
        var directory = NewDirectory();
        var stale = Address(Grain, silo: 1);
        var current = Address(Grain, silo: 2);
        await directory.RegisterAsync(stale, previousAddress: null);
        await directory.RegisterAsync(current, stale);

        Assert.Equal(current, await directory.RegisterAsync(Address(Grain, silo: 3), stale));

        Assert.Equal(current, await directory.LookupAsync(Grain));
    }

    [Fact]
    public async Task RegisteringWithAPreviousActivationWhenTheGrainIsFreeWins()
    {
        var directory = NewDirectory();
        var address = Address(Grain, silo: 2);

        Assert.Equal(address, await directory.RegisterAsync(address, Address(Grain, silo: 1)));
    }

    [Fact]
    public async Task TwentyParallelTakeoversFromOneDeadActivationHaveOneWinner()
    {
        var dead = Address(Grain, silo: 1);
        await NewDirectory().RegisterAsync(dead, previousAddress: null);
        var racers = Enumerable.Range(2, 20).Select(silo => Address(Grain, silo)).ToArray();

        var results = await TestGrains.RaceAsync(20, i => NewDirectory().RegisterAsync(racers[i], dead));

        var winner = Assert.Single(results.Distinct());
        Assert.Contains(winner, racers);
        Assert.Equal(winner, await NewDirectory().LookupAsync(Grain));
    }

    [Fact]
    public async Task UnregisterRemovesOnlyTheRegisteredActivation()
    {
        var directory = NewDirectory();
        var registered = Address(Grain, silo: 1);
        await directory.RegisterAsync(registered, previousAddress: null);

        Assert.False(await directory.UnregisterAsync(Address(Grain, silo: 1)));
        Assert.Equal(registered, await directory.LookupAsync(Grain));

        Assert.True(await directory.UnregisterAsync(registered));
        Assert.Null(await directory.LookupAsync(Grain));
        Assert.False(await directory.UnregisterAsync(registered));
    }

    [Fact]
    public async Task UnregisteringSilosRemovesExactlyTheirEntries()
    {
        var directory = NewDirectory();
        var grains = Enumerable.Range(0, 6).Select(i => TestGrains.Create($"directory-silo-{i}")).ToArray();
        var addresses = grains.Select((grain, i) => Address(grain, silo: 1 + (i % 3))).ToArray();
        foreach (var address in addresses)
        {
            await directory.RegisterAsync(address, previousAddress: null);
        }

        await directory.UnregisterSilosAsync([Silo(1), Silo(3)]);

        foreach (var address in addresses)
        {
            var expected = address.SiloAddress.Equals(Silo(2)) ? address : null;
            Assert.Equal(expected, await directory.LookupAsync(address.GrainId));
        }
    }

    [Fact]
    public async Task ClustersAreIsolated()
    {
        await NewDirectory().RegisterAsync(Address(Grain, silo: 1), previousAddress: null);
        var other = _scope.Track(new PostgresGrainDirectory(_scope.Options, _scope.Id + "-other", NullLoggerFactory.Instance));

        Assert.Null(await other.LookupAsync(Grain));
        var otherAddress = Address(Grain, silo: 2);
        Assert.Equal(otherAddress, await other.RegisterAsync(otherAddress, previousAddress: null));
    }

    private PostgresGrainDirectory NewDirectory() => _scope.Track(new PostgresGrainDirectory(_scope.Options, _scope.Id, NullLoggerFactory.Instance));

    private static SiloAddress Silo(int port) => new(new IPEndPoint(IPAddress.Loopback, 11000 + port), 1000);

    private static GrainAddress Address(GrainId grain, int silo) => new(grain, ActivationId.NewId(), Silo(silo), MembershipVersion: silo);
}
