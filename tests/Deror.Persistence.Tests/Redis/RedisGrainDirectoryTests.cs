using System.Net;
using Deror.Persistence.Redis;
using Deror.Persistence.Tests.Conformance;
using Deror.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Persistence.Tests.Redis;

/// <summary>Single activation on Redis: registration is compare-and-set on the activation id; each test uses its own cluster.</summary>
public sealed class RedisGrainDirectoryTests
{
    private static readonly GrainId Grain = TestGrains.Create("directory-1");

    private readonly RedisGrainDirectory _directory = new(RedisServerFixture.Shared.Connection, RedisServerFixture.UniqueId(), NullLoggerFactory.Instance);

    [Fact]
    public async Task LookingUpAnUnregisteredGrainReturnsNull()
    {
        Assert.Null(await _directory.LookupAsync(Grain));
    }

    [Fact]
    public async Task TwentyParallelRegistrationsAgreeOnOneWinner()
    {
        var candidates = Enumerable.Range(0, 20).Select(i => Address(Grain, Silo(i % 3))).ToArray();

        var results = await TestGrains.RaceAsync(20, i => _directory.RegisterAsync(candidates[i], previousAddress: null));

        var winner = Assert.Single(candidates, candidate => candidate.Matches(results[0]));
        Assert.All(results, result => Assert.Equal(winner, result));
        Assert.Equal(winner, await _directory.LookupAsync(Grain));
    }

    [Fact]
    public async Task RegisteringOverALiveEntryReturnsTheExistingOne()
    {
        var first = Address(Grain, Silo(1));
        await _directory.RegisterAsync(first, previousAddress: null);

        Assert.Equal(first, await _directory.RegisterAsync(Address(Grain, Silo(2)), previousAddress: null));
        Assert.Equal(first, await _directory.RegisterAsync(Address(Grain, Silo(2)), previousAddress: Address(Grain, Silo(1))));
        Assert.Equal(first, await _directory.LookupAsync(Grain));
    }

    [Fact]
    public async Task RegisteringWithThePreviousActivationTakesTheEntryOver()
    {
        var dead = Address(Grain, Silo(1));
        await _directory.RegisterAsync(dead, previousAddress: null);
        var replacement = Address(Grain, Silo(2)) with { MembershipVersion = 8 };

        Assert.Equal(replacement, await _directory.RegisterAsync(replacement, dead));

        Assert.Equal(replacement, await _directory.LookupAsync(Grain));
        // The dead silo's cleanup must not remove the entry that moved away from it.
        await _directory.UnregisterSilosAsync([Silo(1)]);
        Assert.Equal(replacement, await _directory.LookupAsync(Grain));
    }

    [Fact]
    public async Task UnregisterRemovesOnlyTheSameActivation()
    {
        var registered = Address(Grain, Silo(1));
        await _directory.RegisterAsync(registered, previousAddress: null);

        Assert.False(await _directory.UnregisterAsync(Address(Grain, Silo(1))));
        Assert.Equal(registered, await _directory.LookupAsync(Grain));

        Assert.True(await _directory.UnregisterAsync(registered));
        Assert.Null(await _directory.LookupAsync(Grain));
        Assert.False(await _directory.UnregisterAsync(registered));
    }

    [Fact]
    public async Task UnregisteringSilosRemovesExactlyTheirEntries()
    {
        var grains = Enumerable.Range(0, 9).Select(i => TestGrains.Create($"directory-{i}")).ToArray();
        var addresses = grains.Select((grain, i) => Address(grain, Silo(i % 3))).ToArray();
        foreach (var address in addresses)
        {
            await _directory.RegisterAsync(address, previousAddress: null);
        }

        await _directory.UnregisterSilosAsync([Silo(0), Silo(2)]);

        foreach (var address in addresses)
        {
            Assert.Equal(address.SiloAddress.Equals(Silo(1)) ? address : null, await _directory.LookupAsync(address.GrainId));
        }
    }

    private static GrainAddress Address(GrainId grain, SiloAddress silo) => new(grain, ActivationId.NewId(), silo, MembershipVersion: 3);

    private static SiloAddress Silo(int index) => new(new IPEndPoint(IPAddress.Loopback, 11000 + index), 2000);
}
