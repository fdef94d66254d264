using Deror.Runtime;

namespace Deror.Grains;

public sealed class HelloGrain(
    [PersistentState("hello")] IPersistentState<HelloGrain.HelloState> state,
    TimeProvider clock) : Grain, IHelloGrain
{
    public async Task<Greeting> SayHello(string from)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(from);
        state.State = state.State with { Count = state.State.Count + 1 };
        await state.WriteStateAsync();
        return new Greeting($"Hello, {from}! This is {this.GetPrimaryKeyString()}.", state.State.Count, clock.GetUtcNow());
    }

    public Task<int> GetGreetingCount() => Task.FromResult(state.State.Count);

    public sealed record HelloState
    {
        public int Count { get; init; }
    }
}
