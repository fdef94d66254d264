using System.Collections.Concurrent;
using Deror.PyHost.Interop;
using Microsoft.Extensions.Logging;

namespace Deror.PyHost.Embedding;

/// <summary>
/// Calls started from Python without blocking (<c>await</c> in notebooks). When the .NET task ends, the Python
/// callback is invoked on the completing thread with <c>(result_json, None)</c> or <c>(None, exception)</c>;
/// the Python side hands that to its event loop. Closing stops callbacks before the interpreter finalizes.
/// </summary>
internal sealed partial class AsyncCalls(ILogger<AsyncCalls> logger)
{
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _pending = new();
    private readonly object _gate = new();
    private long _nextId;
    private int _running;
    private bool _closed;

    /// <summary>Starts <paramref name="call"/>; <paramref name="callback"/> is a borrowed reference (GIL held). Returns the call's handle.</summary>
    public long Start(Func<CancellationToken, Task<string?>> call, nint callback)
    {
        lock (_gate)
        {
            if (_closed)
            {
                throw new InvalidOperationException("The host is shutting down; no new calls start.");
            }
        }
        var id = Interlocked.Increment(ref _nextId);
        var cancellation = new CancellationTokenSource();
        _pending[id] = cancellation;
        Py.Py_IncRef(callback);
        Task<string?> task;
        try
        {
            task = call(cancellation.Token);
        }
        catch (Exception e)
        {
            task = Task.FromException<string?>(e);
        }
        task.ContinueWith((t, _) => Complete(id, t, callback), null, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        return id;
    }

    /// <summary>Cancels a pending call; false when it has already ended.</summary>
    public bool Cancel(long id)
    {
        if (!_pending.TryGetValue(id, out var cancellation))
        {
            return false;
        }
        cancellation.Cancel();
        return true;
    }

    /// <summary>Cancels what is pending and waits until no callback runs (call with the GIL released).</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            foreach (var cancellation in _pending.Values)
            {
                cancellation.Cancel();
            }
            while (_running > 0)
            {
                Monitor.Wait(_gate);
            }
        }
    }

    private void Complete(long id, Task<string?> task, nint callback)
    {
        if (_pending.TryRemove(id, out var cancellation))
        {
            cancellation.Dispose();
        }
        lock (_gate)
        {
            if (_closed)
            {
                // The interpreter is finalizing or gone; the callback's reference is left to it.
                return;
            }
            _running++;
        }
        try
        {
            var gil = Py.PyGILState_Ensure();
            try
            {
                Invoke(task, callback);
            }
            finally
            {
                Py.PyGILState_Release(gil);
            }
        }
        catch (Exception e)
        {
            LogCallbackFailed(e, id);
        }
        finally
        {
            lock (_gate)
            {
                _running--;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private static void Invoke(Task<string?> task, nint callback)
    {
        var args = Py.PyTuple_New(2);
        if (task.IsCompletedSuccessfully)
        {
            Py.PyTuple_SetItem(args, 0, Py.NewString(task.Result ?? "null"));
            Py.PyTuple_SetItem(args, 1, Py.NewNone());
        }
        else
        {
            var error = task.Exception is { } exception ? exception : (Exception)new OperationCanceledException("The call was cancelled.");
            var (_, instance) = PythonErrors.Create(error);
            Py.PyTuple_SetItem(args, 0, Py.NewNone());
            Py.PyTuple_SetItem(args, 1, instance != 0 ? instance : Py.NewNone());
        }
        var result = Py.PyObject_Call(callback, args, 0);
        if (result == 0)
        {
            Py.PyErr_WriteUnraisable(callback);
        }
        else
        {
            Py.Py_DecRef(result);
        }
        Py.Py_DecRef(args);
        Py.Py_DecRef(callback);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The completion of asynchronous call {Id} could not be delivered to Python")]
    private partial void LogCallbackFailed(Exception exception, long id);
}
