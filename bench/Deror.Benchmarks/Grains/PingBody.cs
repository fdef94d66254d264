namespace Deror.Benchmarks.Grains;

/// <summary>The one method body shared by the grain and the plain object, so only the call path differs.</summary>
public static class PingBody
{
    public static Task<int> Ping(int value) => Task.FromResult(value + 1);
}
