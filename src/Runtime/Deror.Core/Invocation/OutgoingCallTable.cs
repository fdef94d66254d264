using System.Collections.Concurrent;
using System.Diagnostics;
using Deror.Messaging;
using Deror.Networking;
using Deror.Serialization;

namespace Deror.Invocation;

/// <summary>
/// The calls a process (client or silo) is waiting on, by correlation id. A single sweep timer expires calls
/// that pass their deadline, which is cheaper than a timer per call and makes a deadlocked call chain surface
/// as a <see cref="TimeoutException"/>.
/// </summary>
internal sealed class OutgoingCallTable : IDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<long, ResponseCallback> _pending = new();
    private readonly ICodec _codec;
    private readonly ITimer _sweepTimer;
    private long _nextId;

    public OutgoingCallTable(ICodec codec, TimeProvider clock)
    {
        _codec = codec;
        _sweepTimer = clock.CreateTimer(_ => ExpireOverdue(), null, SweepInterval, SweepInterval);
    }

    public int Count => _pending.Count;

    public long NextId() => Interlocked.Increment(ref _nextId);

    /// <summary>Registers a call that expects a response; returns the task that completes with it.</summary>
    public Task<T> Register<T>(long id, Request request, TimeSpan timeout, Activity? activity)
    {
        var callback = new ResponseCallback<T>(request, timeout, activity);
        _pending[id] = callback;
        return callback.Task;
    }

    /// <summary>Completes the call the response answers. False if nobody waits for it any more (timed out, or a duplicate).</summary>
    public bool TryComplete(Message response)
    {
        if (!_pending.TryRemove(response.Id, out var callback))
        {
            return false;
        }
        callback.Complete(response, _codec);
        return true;
    }

    /// <summary>Notes that the request <paramref name="id"/> is being sent on <paramref name="connection"/> (see <see cref="FailSentOn"/>).</summary>
    public void SetSentOn(long id, Connection connection)
    {
        if (_pending.TryGetValue(id, out var callback))
        {
            callback.SentOn = connection;
        }
    }

    /// <summary>Fails every pending call whose request went out on <paramref name="connection"/> (it was lost).</summary>
    public void FailSentOn(Connection connection, Func<Exception> exception)
    {
        foreach (var (id, callback) in _pending)
        {
            if (callback.SentOn == connection)
            {
                Fail(id, exception());
            }
        }
    }

    /// <summary>Fails one call, e.g. because its message could not be sent.</summary>
    public void Fail(long id, Exception exception)
    {
        if (_pending.TryRemove(id, out var callback))
        {
            callback.Fail(exception);
        }
    }

    /// <summary>Fails every pending call (the connection they went out on is gone, or the process is stopping).</summary>
    public void FailAll(Func<Exception> exception)
    {
        foreach (var id in _pending.Keys)
        {
            Fail(id, exception());
        }
    }

    public void Dispose()
    {
        _sweepTimer.Dispose();
        FailAll(() => new DerorMessageDeliveryException("The runtime is shutting down."));
    }

    private void ExpireOverdue()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var (id, callback) in _pending)
        {
            if (now > callback.DeadlineTimestamp && _pending.TryRemove(id, out _))
            {
                var waited = Stopwatch.GetElapsedTime(callback.StartTimestamp);
                callback.Fail(new TimeoutException(
                    $"{callback.Request} got no response within its timeout (waited {waited.TotalSeconds:0.0} s). " +
                    "The grain may be busy, deadlocked in a non-reentrant call cycle, or unreachable."));
            }
        }
    }
}
