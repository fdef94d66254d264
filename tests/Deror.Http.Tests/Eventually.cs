namespace Deror.Http.Tests;

public static class Eventually
{
    /// <summary>Polls <paramref name="read"/> until <paramref name="condition"/> holds; fails naming <paramref name="what"/> after <paramref name="timeout"/> (default 15 s).</summary>
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        T value;
        while (!condition(value = await read()))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}; last value: {value}");
            }
            await Task.Delay(25);
        }
        return value;
    }
}
