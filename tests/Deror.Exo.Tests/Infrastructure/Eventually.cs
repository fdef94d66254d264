namespace Deror.Exo.Tests.Infrastructure;

/// <summary>Polls a condition instead of sleeping: returns as soon as it holds, fails with a description when time is up.</summary>
public static class Eventually
{
    public static async Task<T> HoldsAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        T? last = default;
        Exception? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var value = await probe();
                last = value;
                if (condition(value))
                {
                    return value;
                }
            }
            catch (ExoException e)
            {
                lastError = e;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"Timed out waiting for {what}. Last value: {last}. Last error: {lastError?.Message}");
        return default!;
    }

    public static Task<bool> HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        HoldsAsync(condition, ok => ok, what, timeout);
}
