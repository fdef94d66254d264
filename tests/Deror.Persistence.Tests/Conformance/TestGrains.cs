namespace Deror.Persistence.Tests.Conformance;

/// <summary>Grain ids for the conformance suites.</summary>
internal static class TestGrains
{
    public static GrainId Create(string key, string type = "test-grain") => GrainId.Create(new GrainType(type), key);

    /// <summary>
    /// <paramref name="count"/> grain ids ordered by their ring hash, all hashes distinct, so a test can pick range
    /// bounds that sit exactly on (and between) stored hashes.
    /// </summary>
    public static GrainId[] OrderedByHash(int count)
    {
        var grains = Enumerable.Range(0, count)
            .Select(i => Create($"ring-{i}"))
            .OrderBy(grain => grain.GetUniformHashCode())
            .ToArray();
        Assert.Equal(count, grains.Select(grain => grain.GetUniformHashCode()).Distinct().Count());
        return grains;
    }

    /// <summary>Named ring ranges over hashes sorted ascending: plain, wrapping, whole ring and the edges at 0 and uint.MaxValue.</summary>
    public static (uint Begin, uint End) Range(string name, uint[] sortedHashes) => name switch
    {
        "inside" => (sortedHashes[5], sortedHashes[20]),
        "wraps around zero" => (sortedHashes[30], sortedHashes[10]),
        "whole ring at a stored hash" => (sortedHashes[12], sortedHashes[12]),
        "whole ring at zero" => (0u, 0u),
        "from zero" => (0u, sortedHashes[7]),
        "up to max" => (sortedHashes[33], uint.MaxValue),
        "wraps from max" => (uint.MaxValue, sortedHashes[4]),
        "single hash" => (sortedHashes[9] - 1, sortedHashes[9]),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown range case."),
    };

    /// <summary>Runs <paramref name="count"/> calls released together, to make them race.</summary>
    public static async Task<T[]> RaceAsync<T>(int count, Func<int, Task<T>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await call(i);
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(calls);
    }
}
