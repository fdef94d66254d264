using System.Diagnostics;
using Deror.Messaging;
using Deror.Serialization;
using Deror.Telemetry;

namespace Deror.Invocation;

/// <summary>
/// Turns calls on grain references into request messages, tracks their responses and timeouts, and starts the
/// caller's trace span. A client sends the messages to a gateway; a silo routes them itself.
/// </summary>
internal abstract class OutboundRuntimeClient : IGrainReferenceRuntime, IDisposable
{
    protected OutboundRuntimeClient(ICodec codec, TimeProvider clock, TimeSpan defaultResponseTimeout)
    {
        Codec = codec;
        Clock = clock;
        DefaultResponseTimeout = defaultResponseTimeout;
        Calls = new OutgoingCallTable(codec, clock);
    }

    public ICodec Codec { get; }

    protected TimeProvider Clock { get; }

    protected TimeSpan DefaultResponseTimeout { get; }

    internal OutgoingCallTable Calls { get; }

    public Task<T> InvokeAsync<T>(GrainReference target, Request request)
    {
        var activity = StartClientActivity(target, request);
        var timeout = request.Descriptor.ResponseTimeout ?? DefaultResponseTimeout;
        var message = CreateMessage(target, request, MessageDirection.Request, timeout, activity);
        var response = Calls.Register<T>(message.Id, request, timeout, activity);
        Send(message);
        return response;
    }

    public Task InvokeAsync(GrainReference target, Request request) => InvokeAsync<object?>(target, request);

    public void InvokeOneWay(GrainReference target, Request request)
    {
        using var activity = StartClientActivity(target, request);
        Send(CreateMessage(target, request, MessageDirection.OneWay, request.Descriptor.ResponseTimeout ?? DefaultResponseTimeout, activity));
    }

    /// <summary>Delivers a response that arrived for one of this process's calls.</summary>
    public void ReceiveResponse(Message response) => Calls.TryComplete(response);

    public virtual void Dispose() => Calls.Dispose();

    /// <summary>Who is calling: the current activation on a silo, the client id on a client.</summary>
    protected abstract GrainId? CurrentSender { get; }

    protected abstract SiloAddress? SendingSilo { get; }

    /// <summary>Sends the request; on failure to deliver, fail the call through <see cref="FailCall"/>.</summary>
    protected abstract void Send(Message message);

    protected void FailCall(Message message, Exception exception)
    {
        if (message.Direction == MessageDirection.Request)
        {
            Calls.Fail(message.Id, exception);
        }
    }

    private Message CreateMessage(GrainReference target, Request request, MessageDirection direction, TimeSpan timeout, Activity? activity)
    {
        if (DerorTelemetry.CallsSent.Enabled)
        {
            DerorTelemetry.CallsSent.Add(1, DerorTelemetry.MethodTag(request.Descriptor.FullName));
        }
        // The caller's own span if it started one, else whatever span the caller runs in (read once: an async-local).
        var trace = activity ?? Activity.Current;
        return new Message
        {
            Id = Calls.NextId(),
            Direction = direction,
            TargetGrain = target.GrainId,
            SendingGrain = CurrentSender,
            SendingSilo = SendingSilo,
            Flags = request.Descriptor.Flags,
            ExpiresAtUtcTicks = Clock.GetUtcNow().UtcTicks + timeout.Ticks,
            TraceParent = trace?.Id,
            TraceState = trace?.TraceStateString,
            Request = request,
        };
    }

    private static Activity? StartClientActivity(GrainReference target, Request request)
    {
        var activity = DerorTelemetry.ActivitySource.StartActivity(request.Descriptor.FullName, ActivityKind.Client);
        activity?.SetTag("deror.grain", target.GrainId.ToString());
        return activity;
    }
}
