using Deror.Invocation;

namespace Deror.CodeGenerator.Tests.Infrastructure;

/// <summary>Records every call a proxy makes, and answers two-way calls with <see cref="Result"/>.</summary>
internal sealed class RecordingRuntime : IGrainReferenceRuntime
{
    public List<Request> Requests { get; } = [];

    public List<Request> OneWayRequests { get; } = [];

    public object? Result { get; set; }

    public Task<T> InvokeAsync<T>(GrainReference target, Request request)
    {
        Requests.Add(request);
        return Task.FromResult((T)Result!);
    }

    public Task InvokeAsync(GrainReference target, Request request)
    {
        Requests.Add(request);
        return Task.CompletedTask;
    }

    public void InvokeOneWay(GrainReference target, Request request) => OneWayRequests.Add(request);
}
