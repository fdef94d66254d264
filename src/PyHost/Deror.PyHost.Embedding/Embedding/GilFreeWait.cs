using Deror.PyHost.Interop;

namespace Deror.PyHost.Embedding;

/// <summary>
/// Blocks a Python thread on a .NET task with the GIL released, so other Python threads run and the task's own
/// continuations never wait for Python. Every <see cref="SignalPoll"/> the GIL is taken back to run pending
/// signal handlers: Ctrl-C or a kernel interrupt raises KeyboardInterrupt and cancels the call.
/// </summary>
internal static class GilFreeWait
{
    public static readonly TimeSpan SignalPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Waits for <paramref name="task"/> (GIL held on entry and exit). False when a signal handler raised: the
    /// Python exception is set and <paramref name="cancellation"/> has been cancelled.
    /// </summary>
    public static bool Wait(Task task, CancellationTokenSource cancellation)
    {
        while (!task.IsCompleted)
        {
            var thread = Py.PyEval_SaveThread();
            try
            {
                task.Wait(SignalPoll);
            }
            catch (AggregateException)
            {
                // Faulted or cancelled: the caller reads the outcome from the task.
            }
            finally
            {
                Py.PyEval_RestoreThread(thread);
            }
            if (!task.IsCompleted && Py.PyErr_CheckSignals() != 0)
            {
                cancellation.Cancel();
                return false;
            }
        }
        return true;
    }

    /// <summary>Runs <paramref name="action"/> with the GIL released (GIL held on entry and exit).</summary>
    public static void WithoutGil(Action action)
    {
        var thread = Py.PyEval_SaveThread();
        try
        {
            action();
        }
        finally
        {
            Py.PyEval_RestoreThread(thread);
        }
    }
}
