namespace Deror.Benchmarks.Grains;

/// <summary>The sequential call loop, shared by the caller grain and the plain baseline.</summary>
public static class PingLoop
{
    public static async Task<int> RunAsync(IPingGrain target, int calls)
    {
        var last = 0;
        for (var i = 0; i < calls; i++)
        {
            last = await target.Ping(i);
        }
        return last;
    }
}
