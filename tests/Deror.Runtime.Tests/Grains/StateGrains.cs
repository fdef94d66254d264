using Deror.Runtime;

namespace Deror.Runtime.Tests.Grains;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment();

    Task<int> Get();

    Task<string> GetActivationId();

    Task Clear();
}

public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterGrain.CounterState> state) : Grain, ICounterGrain
{
    private readonly string _activationId = Guid.NewGuid().ToString("N");

    public async Task<int> Increment()
    {
        state.State.Value++;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<int> Get() => Task.FromResult(state.State.Value);

    public Task<string> GetActivationId() => Task.FromResult(_activationId);

    public Task Clear() => state.ClearStateAsync();

    public sealed class CounterState
    {
        public int Value { get; set; }
    }
}
