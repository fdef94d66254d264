using System.Diagnostics;
using Deror.Messaging;
using Deror.Networking;
using Deror.Serialization;
using Deror.Telemetry;

namespace Deror.Invocation;

/// <summary>A call waiting for its response. Completed exactly once: by the response, a timeout or a delivery failure.</summary>
internal abstract class ResponseCallback
{
    private readonly Activity? _activity;
    private int _completed;

    protected ResponseCallback(Request request, TimeSpan timeout, Activity? activity)
    {
        Request = request;
        _activity = activity;
        // One clock read for both: the call's start and its deadline.
        StartTimestamp = Stopwatch.GetTimestamp();
        DeadlineTimestamp = StartTimestamp + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
    }

    public Request Request { get; }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> after which the call times out.</summary>
    public long DeadlineTimestamp { get; }

    public long StartTimestamp { get; }

    /// <summary>The connection the request went out on, if any: the call fails at once when that connection is lost.</summary>
    public Connection? SentOn { get; set; }

    public void Complete(Message response, ICodec codec)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return;
        }
        switch (response.Status)
        {
            case ResponseStatus.Success:
                object? result;
                try
                {
                    result = response.ResultPayload.IsEmpty && response.Result is not null
                        ? response.Result
                        : DecodeResult(response, codec);
                }
                catch (Exception e)
                {
                    Finish(e);
                    return;
                }
                Finish(result);
                break;
            default:
                Finish(response.Exception ?? new DerorException($"{Request} failed with status {response.Status} and no exception."));
                break;
        }
    }

    public void Fail(Exception exception)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            Finish(exception);
        }
    }

    protected abstract void SetResult(object? result);

    protected abstract void SetException(Exception exception);

    private object? DecodeResult(Message response, ICodec codec)
    {
        if (response.ResultPayload.IsEmpty)
        {
            return null;
        }
        var reader = new CodecReader(response.ResultPayload.Span);
        return Request.ReadResult(codec, ref reader);
    }

    private void Finish(object? result)
    {
        Record(failed: false);
        SetResult(result);
    }

    private void Finish(Exception exception)
    {
        _activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        Record(failed: true);
        SetException(exception);
    }

    // Enabled is checked first so a call pays nothing for metrics nobody listens to.
    private void Record(bool failed)
    {
        var method = DerorTelemetry.MethodTag(Request.Descriptor.FullName);
        if (DerorTelemetry.CallDuration.Enabled)
        {
            DerorTelemetry.CallDuration.Record(Stopwatch.GetElapsedTime(StartTimestamp).TotalMilliseconds, method);
        }
        if (failed && DerorTelemetry.CallsFailed.Enabled)
        {
            DerorTelemetry.CallsFailed.Add(1, method);
        }
        _activity?.Dispose();
    }
}

internal sealed class ResponseCallback<T>(Request request, TimeSpan timeout, Activity? activity)
    : ResponseCallback(request, timeout, activity)
{
    // Continuations run asynchronously so a caller's code never runs on a connection's reader loop.
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _completion.Task;

    protected override void SetResult(object? result) => _completion.TrySetResult((T)result!);

    protected override void SetException(Exception exception) => _completion.TrySetException(exception);
}
