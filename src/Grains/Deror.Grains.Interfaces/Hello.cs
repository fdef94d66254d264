namespace Deror.Grains;

/// <summary>
/// The sample grain behind <c>./deror up</c>: greets callers and remembers, durably, how many greetings it has
/// given. It exercises activation, persistence and the gateway end to end.
/// </summary>
public interface IHelloGrain : IGrainWithStringKey
{
    /// <summary>Returns a greeting and counts it in the grain's persistent state.</summary>
    Task<Greeting> SayHello(string from);

    Task<int> GetGreetingCount();
}

/// <summary>One greeting, with how many this grain has given so far (including this one).</summary>
public sealed record Greeting(string Text, int Count, DateTimeOffset At);
