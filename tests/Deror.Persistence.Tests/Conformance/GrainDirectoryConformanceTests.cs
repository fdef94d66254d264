using Deror.Runtime;
namespace Deror.Persistence.Tests.Conformance;

/// <summary>
/// The behaviour every <see cref="IGrainDirectory"/> provider must show, through the interface only.
/// Factory contract for subclasses: <see cref="CreateDirectory"/> returns a directory of the given cluster id over one
/// store that is empty at the start of each test; every call within a test uses that same store (so two calls with
/// one cluster id are two instances over the same data, and different cluster ids must not see each other's entries).
/// </summary>
public abstract class GrainDirectoryConformanceTests
{
    private const string ClusterId = "cluster-a";

    private static readonly GrainId Grain = TestGrains.Create("directory");
    private static readonly GrainId OtherGrain = TestGrains.Create("directory-other");
    private static readonly SiloAddress SiloA = TestSilos.Address(11111);
    private static readonly SiloAddress SiloB = TestSilos.Address(11112);
    private static readonly SiloAddress SiloC = TestSilos.Address(11113);

    // Lazy (thread-safe): tests that race their first calls must all get the one instance.
    private readonly Lazy<IGrainDirectory> _directory;

    protected IGrainDirectory Directory => _directory.Value;

    protected GrainDirectoryConformanceTests()
    {
        _directory = new Lazy<IGrainDirectory>(() => CreateDirectory(ClusterId));
    }

    /// <summary>A directory of <paramref name="clusterId"/> in this test's store (see the class comment).</summary>
    protected abstract IGrainDirectory CreateDirectory(string clusterId);

    [Fact]
    public async Task LookupOfAnUnregisteredGrainReturnsNull()
    {
        Assert.Null(await Directory.LookupAsync(Grain));
    }

    [Fact]
    public async Task RegisteringOnAnEmptyEntryWinsAndReadsBack()
    {
        var address = NewActivation(Grain, SiloA, membershipVersion: 42);

        Assert.Equal(address, await Directory.RegisterAsync(address, previousAddress: null));

        Assert.Equal(address, await Directory.LookupAsync(Grain));
        Assert.Null(await Directory.LookupAsync(OtherGrain));
    }

    [Fact]
    public async Task ASecondActivationGetsTheFirstBack()
    {
        var first = await Directory.RegisterAsync(NewActivation(Grain, SiloA), previousAddress: null);

        Assert.Equal(first, await Directory.RegisterAsync(NewActivation(Grain, SiloB), previousAddress: null));

        Assert.Equal(first, await Directory.LookupAsync(Grain));
    }

    [Fact]
    public async Task RegisteringTheSameActivationAgainReturnsIt()
    {
        var address = await Directory.RegisterAsync(NewActivation(Grain, SiloA), previousAddress: null);

        Assert.Equal(address, await Directory.RegisterAsync(address, previousAddress: null));
    }

    [Fact]
    public async Task TakeoverNamingTheCurrentActivationWins()
    {
        var dead = await Directory.RegisterAsync(NewActivation(Grain, SiloA), previousAddress: null);
        var successor = NewActivation(Grain, SiloB, membershipVersion: 7);

        Assert.Equal(successor, await Directory.RegisterAsync(successor, dead));

        Assert.Equal(successor, await Directory.LookupAsync(Grain));
    }

    [Fact]
    public async Task TakeoverNamingAnotherActivationLoses()
    {
        var current = await Directory.RegisterAsync(NewActivation(Grain, SiloA), previousAddress: null);
        var wrongPrevious = NewActivation(Grain, SiloA);

        Assert.Equal(current, await Directory.RegisterAsync(NewActivation(Grain, SiloB), wrongPrevious));

        Assert.Equal(current, await Directory.LookupAsync(Grain));
    }

    [Fact]
    public async Task TakeoverOfAnEntryThatIsAlreadyGoneWins()
    {
        var gone = await Directory.RegisterAsync(NewActivation(Grain, SiloA), previousAddress: null);
        Assert.True(await Directory.UnregisterAsync(gone));
        var successor = NewActivation(Grain, SiloB);

        Assert.Equal(successor, await Directory.RegisterAsync(successor, gone));
    }

    [Fact]
    public async Task TwentyParallelRegistrationsAllGetTheSameSingleWinner()
    {
        var candidates = Enumerable.Range(0, 20).Select(i => NewActivation(Grain, TestSilos.Address(23000 + i))).ToArray();

        var results = await TestGrains.RaceAsync(20, i => Directory.RegisterAsync(candidates[i], previousAddress: null));

        var winner = Assert.Single(results.Distinct());
        Assert.Contains(winner, candidates);
        Assert.Equal(winner, await Directory.LookupAsync(Grain));
    }

    [Fact]
    public async Task TwentyParallelTakeoversOfOneDeadEntryHaveOneWinner()
    {
        var dead = await Directory.RegisterAsync(NewActivation(Grain, SiloA), previousAddress: null);
        var candidates = Enumerable.Range(0, 20).Select(i => NewActivation(Grain, TestSilos.Address(24000 + i))).ToArray();

        var results = await TestGrains.RaceAsync(20, i => Directory.RegisterAsync(candidates[i], dead));

        var winner = Assert.Single(results.Distinct());
        Assert.Contains(winner, candidates);
    }

    [Fact]
    public async Task UnregisterRemovesTheEntryOnlyForTheRegisteredActivation()
    {
        var registered = await Directory.RegisterAsync(NewActivation(Grain, SiloA), previousAddress: null);

        Assert.False(await Directory.UnregisterAsync(NewActivation(Grain, SiloA)));
        Assert.Equal(registered, await Directory.LookupAsync(Grain));

        Assert.True(await Directory.UnregisterAsync(registered));
        Assert.Null(await Directory.LookupAsync(Grain));
        Assert.False(await Directory.UnregisterAsync(registered));
    }

    [Fact]
    public async Task UnregisteringSilosRemovesOnlyTheirEntries()
    {
        var grains = Enumerable.Range(0, 9).Select(i => TestGrains.Create($"directory-{i}")).ToArray();
        var silos = new[] { SiloA, SiloB, SiloC };
        var entries = new List<GrainAddress>();
        for (var i = 0; i < grains.Length; i++)
        {
            entries.Add(await Directory.RegisterAsync(NewActivation(grains[i], silos[i % 3]), previousAddress: null));
        }

        await Directory.UnregisterSilosAsync([SiloA, SiloC]);
        await Directory.UnregisterSilosAsync([]);

        foreach (var entry in entries)
        {
            var expected = entry.SiloAddress.Equals(SiloB) ? entry : null;
            Assert.Equal(expected, await Directory.LookupAsync(entry.GrainId));
        }
    }

    [Fact]
    public async Task ANewGenerationOfASiloIsNotItsOldGeneration()
    {
        var oldGeneration = TestSilos.Address(11111, generation: 1000);
        var newGeneration = TestSilos.Address(11111, generation: 1001);
        var onNew = await Directory.RegisterAsync(NewActivation(Grain, newGeneration), previousAddress: null);

        await Directory.UnregisterSilosAsync([oldGeneration]);

        Assert.Equal(onNew, await Directory.LookupAsync(Grain));
    }

    [Fact]
    public async Task ClustersSharingAStoreAreIsolated()
    {
        var other = CreateDirectory("cluster-b");
        var here = await Directory.RegisterAsync(NewActivation(Grain, SiloA), previousAddress: null);

        Assert.Null(await other.LookupAsync(Grain));
        var there = NewActivation(Grain, SiloB);
        Assert.Equal(there, await other.RegisterAsync(there, previousAddress: null));
        Assert.False(await other.UnregisterAsync(here));
        await other.UnregisterSilosAsync([SiloA]);

        Assert.Equal(here, await Directory.LookupAsync(Grain));
        Assert.Equal(there, await other.LookupAsync(Grain));
    }

    [Fact]
    public async Task ASecondInstanceOfTheClusterSeesTheSameEntries()
    {
        var second = CreateDirectory(ClusterId);
        var first = await Directory.RegisterAsync(NewActivation(Grain, SiloA), previousAddress: null);

        Assert.Equal(first, await second.RegisterAsync(NewActivation(Grain, SiloB), previousAddress: null));
        Assert.True(await second.UnregisterAsync(first));
        Assert.Null(await Directory.LookupAsync(Grain));
    }

    private static GrainAddress NewActivation(GrainId grain, SiloAddress silo, int membershipVersion = 1)
        => new(grain, ActivationId.NewId(), silo, membershipVersion);
}
