using Deror.Concurrency;

namespace Deror.Runtime.Tests.Grains;

public interface ICallGrain : IGrainWithStringKey
{
    Task<string> Echo(string text);

    Task<int> Add(int a, int b);

    Task Throw(string message);

    Task ThrowCustom(string message, int code);

    /// <summary>Calls <paramref name="other"/>.Throw, to check exceptions cross grain-to-grain calls.</summary>
    Task ThrowThrough(ICallGrain other, string message);

    [OneWay]
    Task SetValueOneWay(string value);

    [OneWay]
    Task ThrowOneWay();

    /// <summary>Blocks until <see cref="Release"/> is called on the same grain.</summary>
    [OneWay]
    Task BlockOneWay();

    [AlwaysInterleave]
    Task Release();

    Task<string?> GetValue();

    [ResponseTimeout("00:00:00.500")]
    Task SlowWithShortTimeout(int delayMs);

    Task Slow(int delayMs);

    /// <summary>Calls <paramref name="other"/>.CallBack(this): a non-reentrant call cycle that must time out.</summary>
    Task CallInCycle(ICallGrain other);

    Task CallBack(ICallGrain caller);

    Task<ICallGrain> GetPeer(string key);

    Task<string> EchoThrough(ICallGrain peer, string text);

    Task<Payload> Transform(Payload payload);

    Task<string> GetActivationId();

    Task Deactivate();
}

public sealed record Payload(string Name, List<int> Values, Dictionary<string, double> Weights, DateTimeOffset At, Guid Id);

public sealed class CustomGrainException(string message, int code) : Exception(message)
{
    public CustomGrainException(string message) : this(message, 0)
    {
    }

    public int Code { get; } = code;
}

public sealed class CallGrain : Grain, ICallGrain
{
    private readonly string _activationId = Guid.NewGuid().ToString("N");
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _value;

    public Task<string> Echo(string text) => Task.FromResult(text);

    public Task<int> Add(int a, int b) => Task.FromResult(a + b);

    public Task Throw(string message) => throw new InvalidOperationException(message);

    public Task ThrowCustom(string message, int code) => throw new CustomGrainException(message, code);

    public Task ThrowThrough(ICallGrain other, string message) => other.Throw(message);

    public Task SetValueOneWay(string value)
    {
        _value = value;
        return Task.CompletedTask;
    }

    public Task ThrowOneWay() => throw new InvalidOperationException("one-way failure nobody hears");

    public async Task BlockOneWay()
    {
        await _released.Task;
        _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        _value = "released";
    }

    public Task Release()
    {
        _released.TrySetResult();
        return Task.CompletedTask;
    }

    public Task<string?> GetValue() => Task.FromResult(_value);

    public Task SlowWithShortTimeout(int delayMs) => Task.Delay(delayMs);

    public Task Slow(int delayMs) => Task.Delay(delayMs);

    public Task CallInCycle(ICallGrain other) => other.CallBack(this.AsReference());

    public Task CallBack(ICallGrain caller) => caller.Echo("never answered while the caller waits");

    public Task<ICallGrain> GetPeer(string key) => Task.FromResult(GrainFactory.GetGrain<ICallGrain>(key));

    public Task<string> EchoThrough(ICallGrain peer, string text) => peer.Echo(text);

    public Task<Payload> Transform(Payload payload)
    {
        payload.Values.Add(payload.Values.Sum());
        return Task.FromResult(payload with { Name = payload.Name.ToUpperInvariant() });
    }

    public Task<string> GetActivationId() => Task.FromResult(_activationId);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private ICallGrain AsReference() => GrainFactory.GetGrain<ICallGrain>(GrainId);
}

public interface IIntegerKeyGrain : IGrainWithIntegerKey
{
    Task<long> GetKey();
}

public sealed class IntegerKeyGrain : Grain, IIntegerKeyGrain
{
    public Task<long> GetKey() => Task.FromResult(this.GetPrimaryKeyLong());
}
