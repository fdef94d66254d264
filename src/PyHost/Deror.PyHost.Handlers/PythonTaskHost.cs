using System.Text.Json;
using Deror.Agent.Execution;
using Deror.PyHost.Cluster;
using Deror.PyHost.Embedding;
using Deror.PyHost.Interop;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.PyHost.Handlers;

/// <summary>
/// CPython inside a silo, with the handler files loaded. The interpreter starts on the configuring thread, which
/// then gives up the GIL for good: each handler call runs on a thread of its own that takes the GIL as a Python
/// thread does, so handlers run concurrently and switch as Python threads switch. Signals stay with the silo's
/// host. The interpreter lives as long as the process (a silo does not finalize it).
/// </summary>
internal sealed class PythonTaskHost
{
    private const string HandlerModule = "deror._handlers";

    private readonly nint _run;

    private PythonTaskHost(nint run, IReadOnlyList<string> handlers)
    {
        _run = run;
        Handlers = handlers;
    }

    /// <summary>The handler names the files registered, sorted.</summary>
    public IReadOnlyList<string> Handlers { get; }

    /// <exception cref="PythonHandlerLoadException">A handler file raised while it was imported.</exception>
    public static PythonTaskHost Start(PythonHandlerOptions options)
    {
        var connection = new ClusterConnection(NullLogger<ClusterConnection>.Instance);
        var services = new DerorModuleServices(
            connection,
            new GrainCaller(connection, GrainInterfaceCatalog.Default, JsonMethodInvoker.Shared),
            new ClusterManagerCaller(connection, JsonMethodInvoker.Shared),
            new AsyncCalls(NullLogger<AsyncCalls>.Instance),
            new ConsoleRebinding());
        PythonInterpreter.Start(options.Interpreter(), services, ownSignals: false);
        try
        {
            var module = Py.PyImport_ImportModule(HandlerModule);
            if (module == 0)
            {
                Py.PyErr_Print();
                throw new InvalidOperationException($"The host's {HandlerModule} module failed to import (the Python error is printed above).");
            }
            var load = Py.PyObject_GetAttrString(module, "load");
            var run = Py.PyObject_GetAttrString(module, "run");
            Py.Py_DecRef(module);
            var args = Py.PyTuple_New(options.Handlers.Count);
            for (var i = 0; i < options.Handlers.Count; i++)
            {
                Py.PyTuple_SetItem(args, i, Py.NewString(options.Handlers[i]));
            }
            var loaded = Py.PyObject_Call(load, args, 0);
            Py.Py_DecRef(args);
            Py.Py_DecRef(load);
            var json = loaded != 0 ? Py.ReadString(loaded) : null;
            Py.Py_DecRef(loaded);
            using var report = JsonDocument.Parse(json ?? throw new InvalidOperationException($"{HandlerModule}.load returned no report."));
            if (report.RootElement.TryGetProperty("error", out var error))
            {
                Py.Py_DecRef(run);
                throw new PythonHandlerLoadException($"{PythonHandlerOptions.ConfigurationSection}:Handlers could not be loaded: {error.GetString()}");
            }
            // `run` is kept (a strong reference) for the life of the process.
            return new PythonTaskHost(run, [.. report.RootElement.GetProperty("handlers").EnumerateArray().Select(h => h.GetString()!)]);
        }
        finally
        {
            // The thread state is never restored: from here on every call takes the GIL with PyGILState_Ensure.
            Py.PyEval_SaveThread();
        }
    }

    /// <summary>
    /// Runs handler <paramref name="name"/> on a new thread; its result as JSON text. What it prints (and on failure
    /// its traceback) goes to <paramref name="log"/> as it is printed. Cancelling raises
    /// KeyboardInterrupt in the handler's thread at its next Python instruction (a blocking C call such as
    /// <c>time.sleep</c> finishes first).
    /// </summary>
    /// <exception cref="TaskHandlerFailedException">The handler raised (the message is Python's last traceback line).</exception>
    public Task<string?> RunAsync(string name, string? argumentsJson, Action<string> log, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => Run(name, argumentsJson, log, completion, cancellationToken))
        {
            IsBackground = true,
            Name = $"python-task {name}",
        };
        thread.Start();
        return completion.Task;
    }

    private void Run(string name, string? argumentsJson, Action<string> log, TaskCompletionSource<string?> completion, CancellationToken cancellationToken)
    {
        var call = new RunningCall();
        CancellationTokenRegistration registration = default;
        var gil = Py.PyGILState_Ensure();
        HandlerLog.Current = log;
        try
        {
            call.ThreadId = Py.PyThread_get_thread_ident();
            call.Running = true;
            registration = cancellationToken.Register(static state => ((RunningCall)state!).Interrupt(), call);
            var args = Py.PyTuple_New(2);
            Py.PyTuple_SetItem(args, 0, Py.NewString(name));
            Py.PyTuple_SetItem(args, 1, argumentsJson is null ? Py.NewNone() : Py.NewString(argumentsJson));
            var result = Py.PyObject_Call(_run, args, 0);
            Py.Py_DecRef(args);
            call.Running = false;
            // An interrupt that arrived as the handler returned must not outlive the call.
            Py.PyThreadState_SetAsyncExc(call.ThreadId, 0);
            if (result == 0)
            {
                // Only an interrupt between the handler's end and run()'s return gets here.
                Py.PyErr_Clear();
                throw new OperationCanceledException(cancellationToken);
            }
            var succeeded = Py.PyObject_IsTrue(Py.PyTuple_GetItem(result, 0)) == 1;
            var value = Py.PyTuple_GetItem(result, 1) is var v && v != Py.None ? Py.ReadString(v) : null;
            Py.Py_DecRef(result);
            if (succeeded)
            {
                completion.SetResult(value == "null" ? null : value);
            }
            else if (cancellationToken.IsCancellationRequested)
            {
                completion.SetCanceled(cancellationToken);
            }
            else
            {
                completion.SetException(new TaskHandlerFailedException(value ?? "the handler raised"));
            }
        }
        catch (Exception e)
        {
            completion.TrySetException(e);
        }
        finally
        {
            HandlerLog.Current = null;
            call.Running = false;
            Py.PyGILState_Release(gil);
            // After the GIL is released: disposing waits for a running interrupt, which needs the GIL.
            registration.Dispose();
        }
    }

    /// <summary>One handler call's thread, as its cancellation sees it; read and written only with the GIL held.</summary>
    private sealed class RunningCall
    {
        public nuint ThreadId { get; set; }

        public bool Running { get; set; }

        public void Interrupt()
        {
            var gil = Py.PyGILState_Ensure();
            try
            {
                if (Running)
                {
                    Py.PyThreadState_SetAsyncExc(ThreadId, Py.ExceptionType("PyExc_KeyboardInterrupt"));
                }
            }
            finally
            {
                Py.PyGILState_Release(gil);
            }
        }
    }
}
