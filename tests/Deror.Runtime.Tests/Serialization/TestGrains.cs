using Deror.Invocation;
using Deror.Serialization;

namespace Deror.Runtime.Tests.Serialization;

public interface ITestGrain : IGrainWithStringKey;

/// <summary>A hand-written proxy, standing in for generated code.</summary>
internal sealed class TestGrainReference(IGrainReferenceRuntime runtime, GrainId grainId) : GrainReference(runtime, grainId), ITestGrain
{
    public override Type InterfaceType => typeof(ITestGrain);
}

/// <summary>Recreates <see cref="TestGrainReference"/>s, as the runtime's grain factory would.</summary>
internal sealed class FakeGrainResolver : IGrainReferenceResolver
{
    public static readonly FakeGrainResolver Instance = new();

    public IAddressable GetGrain(Type grainInterface, GrainId grainId) => grainInterface == typeof(ITestGrain)
        ? new TestGrainReference(NoRuntime.Instance, grainId)
        : throw new ArgumentException($"No proxy for {grainInterface}.");

    private sealed class NoRuntime : IGrainReferenceRuntime
    {
        public static readonly NoRuntime Instance = new();

        public Task<T> InvokeAsync<T>(GrainReference target, Request request) => throw new NotSupportedException();

        public Task InvokeAsync(GrainReference target, Request request) => throw new NotSupportedException();

        public void InvokeOneWay(GrainReference target, Request request) => throw new NotSupportedException();
    }
}
