using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Deror.Client;
using Deror.PyHost.Cluster;
using Deror.PyHost.Interop;

namespace Deror.PyHost.Embedding;

/// <summary>
/// The built-in module <c>_deror</c>: the native half of the <c>deror</c> package, registered with
/// <c>PyImport_AppendInittab</c> before the interpreter starts. Its functions run with the GIL held; each one
/// catches every .NET exception and sets a Python exception instead, since nothing may unwind into C.
/// </summary>
internal static unsafe class NativeModule
{
    public const string Name = "_deror";

    // PyMethodDef is {name, function, flags, doc}: 32 bytes on 64-bit; PyModuleDef is 104 bytes.
    private const int MethodDefSize = 32;
    private const int ModuleDefSize = 104;

    private static DerorModuleServices? s_services;
    private static nint s_definition;

    private static DerorModuleServices Services => s_services ?? throw new InvalidOperationException("The _deror module is not installed.");

    /// <summary>Registers the module with the interpreter that is about to start.</summary>
    public static void Install(DerorModuleServices services)
    {
        s_services = services;
        (string Name, nint Function, int Flags, string Doc)[] methods =
        [
            ("resource", (nint)(delegate* unmanaged<nint, nint, nint>)&Resource, Py.MethO, "resource(path) -> str | None: an embedded Python source."),
            ("set_errors", (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&SetErrors, Py.MethFastCall, "set_errors(base, not_found, invalid_state, timeout, connection, invalid_argument)"),
            ("connect", (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&Connect, Py.MethFastCall, "connect(gateways, cluster_id, connect_timeout, token)"),
            ("disconnect", (nint)(delegate* unmanaged<nint, nint, nint>)&Disconnect, Py.MethNoArgs, "disconnect()"),
            ("call", (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&Call, Py.MethFastCall, "call(interface, key, method, args_json, timeout) -> int | bool | None | str (JSON)"),
            ("call_async", (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&CallAsync, Py.MethFastCall, "call_async(interface, key, method, args_json, timeout, callback) -> int"),
            ("manager_call", (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&ManagerCall, Py.MethFastCall, "manager_call(cluster_id, task_id, method, args_json, timeout) -> str"),
            ("manager_call_async", (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&ManagerCallAsync, Py.MethFastCall, "manager_call_async(cluster_id, task_id, method, args_json, timeout, callback) -> int"),
            ("cancel", (nint)(delegate* unmanaged<nint, nint, nint>)&Cancel, Py.MethO, "cancel(handle): cancels a call started with call_async."),
            ("interfaces", (nint)(delegate* unmanaged<nint, nint, nint>)&Interfaces, Py.MethNoArgs, "interfaces() -> list[str]"),
            ("rebind_console", (nint)(delegate* unmanaged<nint, nint, nint>)&RebindConsole, Py.MethNoArgs, "rebind_console(): .NET console output to the current fds 1 and 2."),
            ("task_log", (nint)(delegate* unmanaged<nint, nint, nint>)&TaskLog, Py.MethO, "task_log(text): appends to the log of the handler task running on this thread."),
        ];
        // Allocated once and never freed: the interpreter keeps pointers into both tables for its lifetime.
        var table = (byte*)NativeMemory.AllocZeroed((nuint)((methods.Length + 1) * MethodDefSize));
        for (var i = 0; i < methods.Length; i++)
        {
            var entry = table + (i * MethodDefSize);
            *(nint*)entry = Marshal.StringToCoTaskMemUTF8(methods[i].Name);
            *(nint*)(entry + 8) = methods[i].Function;
            *(int*)(entry + 16) = methods[i].Flags;
            *(nint*)(entry + 24) = Marshal.StringToCoTaskMemUTF8(methods[i].Doc);
        }
        var definition = (byte*)NativeMemory.AllocZeroed(ModuleDefSize);
        *(nint*)definition = 1; // PyModuleDef_HEAD_INIT: ob_refcnt = 1
        *(nint*)(definition + 40) = Marshal.StringToCoTaskMemUTF8(Name);
        *(nint*)(definition + 48) = Marshal.StringToCoTaskMemUTF8("Native half of the deror package (the .NET Deror client).");
        *(nint*)(definition + 56) = -1; // m_size: no per-interpreter state
        *(nint*)(definition + 64) = (nint)table;
        s_definition = (nint)definition;
        if (Py.PyImport_AppendInittab(Marshal.StringToCoTaskMemUTF8(Name), &Init) != 0)
        {
            throw new InvalidOperationException("PyImport_AppendInittab failed for the _deror module.");
        }
    }

    [UnmanagedCallersOnly]
    private static nint Init() => Py.PyModule_Create2(s_definition, Py.ApiVersion);

    [UnmanagedCallersOnly]
    private static nint Resource(nint self, nint path) => Guard(() =>
        Py.ReadString(path) is { } name
            ? EmbeddedPythonSources.Read(name) is { } source ? Py.NewString(source) : Py.NewNone()
            : 0);

    [UnmanagedCallersOnly]
    private static nint SetErrors(nint self, nint* args, nint count) => Guard(() =>
    {
        if (count != PythonErrors.RegisteredCount)
        {
            return TypeError($"set_errors() takes {PythonErrors.RegisteredCount} exception classes ({count} given)");
        }
        PythonErrors.Register(new ReadOnlySpan<nint>(args, (int)count));
        return Py.NewNone();
    });

    [UnmanagedCallersOnly]
    private static nint Connect(nint self, nint* args, nint count) => Guard(() =>
    {
        if (count != 4)
        {
            return TypeError($"connect() takes 4 arguments ({count} given)");
        }
        if (!TryOptionalString(args[0], out var gateways) || !TryOptionalString(args[1], out var clusterId) || !TryOptionalSeconds(args[2], out var timeout)
            || !TryOptionalString(args[3], out var token))
        {
            return 0;
        }
        var settings = new DerorClientSettings();
        foreach (var gateway in (gateways ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            settings.Gateways.Add(gateway);
        }
        if (clusterId is not null)
        {
            settings.ClusterId = clusterId;
        }
        if (timeout is { } t)
        {
            settings.ConnectTimeout = t;
        }
        return Block(ct => TaskResults.WithoutResult(Services.Connection.ConnectAsync(settings, token, ct)));
    });

    [UnmanagedCallersOnly]
    private static nint Disconnect(nint self, nint unused) => Guard(() => Block(_ => TaskResults.WithoutResult(Services.Connection.DisconnectAsync())));

    [UnmanagedCallersOnly]
    private static nint Call(nint self, nint* args, nint count) => Guard(() =>
    {
        if (!TryReadGrainCall(args, count, 5, out var call))
        {
            return 0;
        }
        if (call.Timeout is null && Services.Connection.Current is { } client)
        {
            // The common case, connected and without a time limit: wait on the grain call's own task, so the
            // connection's reader wakes this thread directly (no continuation hop in between).
            using var cancellation = new CancellationTokenSource();
            var pending = Services.Grains.Begin(client, call.Interface!, call.Key, call.Method, call.ArgumentsJson, cancellation.Token);
            return Finish(pending.Task, cancellation, () => ResultToPython(pending));
        }
        return Block(ct => call.RunAsync(Services, ct));
    });

    [UnmanagedCallersOnly]
    private static nint CallAsync(nint self, nint* args, nint count) => Guard(() =>
    {
        if (!TryReadGrainCall(args, count, 6, out var call))
        {
            return 0;
        }
        return Py.PyLong_FromLongLong(Services.AsyncCalls.Start(ct => call.RunAsync(Services, ct), args[5]));
    });

    [UnmanagedCallersOnly]
    private static nint ManagerCall(nint self, nint* args, nint count) => Guard(() =>
        TryReadManagerCall(args, count, 5, out var call) ? Block(ct => call.RunAsync(Services, ct)) : 0);

    [UnmanagedCallersOnly]
    private static nint ManagerCallAsync(nint self, nint* args, nint count) => Guard(() =>
    {
        if (!TryReadManagerCall(args, count, 6, out var call))
        {
            return 0;
        }
        return Py.PyLong_FromLongLong(Services.AsyncCalls.Start(ct => call.RunAsync(Services, ct), args[5]));
    });

    [UnmanagedCallersOnly]
    private static nint Cancel(nint self, nint handle) => Guard(() =>
    {
        var id = Py.PyLong_AsLongLong(handle);
        if (id == -1 && Py.PyErr_Occurred() != 0)
        {
            return 0;
        }
        Services.AsyncCalls.Cancel(id);
        return Py.NewNone();
    });

    [UnmanagedCallersOnly]
    private static nint Interfaces(nint self, nint unused) => Guard(() =>
    {
        var list = Py.PyList_New(0);
        foreach (var name in Services.Grains.Interfaces)
        {
            var item = Py.NewString(name);
            Py.PyList_Append(list, item);
            Py.Py_DecRef(item);
        }
        return list;
    });

    [UnmanagedCallersOnly]
    private static nint RebindConsole(nint self, nint unused) => Guard(() =>
    {
        Services.Console.Rebind();
        return Py.NewNone();
    });

    [UnmanagedCallersOnly]
    private static nint TaskLog(nint self, nint text) => Guard(() =>
    {
        if (Py.ReadString(text) is not { } value)
        {
            return 0;
        }
        var log = HandlerLog.Current ?? throw new InvalidOperationException("No handler task runs on this thread.");
        log(value);
        return Py.NewNone();
    });

    /// <summary>Starts a .NET operation and waits for it with the GIL released; its string result (or None) for Python.</summary>
    private static nint Block(Func<CancellationToken, Task<string?>> start)
    {
        using var cancellation = new CancellationTokenSource();
        var task = start(cancellation.Token);
        return Finish(task, cancellation, () => task.Result is { } text ? Py.NewString(text) : Py.NewNone());
    }

    /// <summary>
    /// A grain call's result: integers, booleans and None as the Python objects themselves (what json.loads would
    /// make of their JSON, without encoding and parsing it), anything else as JSON text for the deror package.
    /// </summary>
    private static nint ResultToPython(PendingInvocation pending) => pending.Result() switch
    {
        null => Py.NewNone(),
        bool flag => Py.PyBool_FromLong(flag ? 1 : 0),
        (int or long or short or byte or sbyte or ushort or uint) and var integer => Py.PyLong_FromLongLong(Convert.ToInt64(integer, CultureInfo.InvariantCulture)),
        _ => Py.NewString(pending.ResultJson()),
    };

    /// <summary>Waits for <paramref name="task"/> with the GIL released; then its <paramref name="result"/> as a new Python reference, or the Python error.</summary>
    private static nint Finish(Task task, CancellationTokenSource cancellation, Func<nint> result)
    {
        if (!GilFreeWait.Wait(task, cancellation))
        {
            // Interrupted: the abandoned operation's failure, if any, is observed here and dropped.
            task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return 0;
        }
        if (task.IsCompletedSuccessfully)
        {
            return result();
        }
        return PythonErrors.Raise(task.Exception ?? (Exception)new OperationCanceledException("The call was cancelled."));
    }

    private static bool TryReadGrainCall(nint* args, nint count, int expected, out GrainCall call)
    {
        call = default;
        if (count != expected)
        {
            TypeError($"expected {expected} arguments ({count} given)");
            return false;
        }
        if (Py.ReadString(args[0]) is not { } contract || Py.ReadString(args[1]) is not { } key || Py.ReadString(args[2]) is not { } method
            || Py.ReadString(args[3]) is not { } arguments || !TryOptionalSeconds(args[4], out var timeout))
        {
            return false;
        }
        call = new GrainCall(contract, key, null, method, arguments, timeout);
        return true;
    }

    private static bool TryReadManagerCall(nint* args, nint count, int expected, out GrainCall call)
    {
        call = default;
        if (count != expected)
        {
            TypeError($"expected {expected} arguments ({count} given)");
            return false;
        }
        if (Py.ReadString(args[0]) is not { } clusterId || !TryOptionalString(args[1], out var taskId) || Py.ReadString(args[2]) is not { } method
            || Py.ReadString(args[3]) is not { } arguments || !TryOptionalSeconds(args[4], out var timeout))
        {
            return false;
        }
        call = new GrainCall(null, clusterId, taskId, method, arguments, timeout);
        return true;
    }

    private static bool TryOptionalString(nint value, out string? text)
    {
        text = null;
        return value == Py.None || (text = Py.ReadString(value)) is not null;
    }

    private static bool TryOptionalSeconds(nint value, out TimeSpan? seconds)
    {
        seconds = null;
        if (value == Py.None)
        {
            return true;
        }
        var number = Py.PyFloat_AsDouble(value);
        if (number == -1 && Py.PyErr_Occurred() != 0)
        {
            return false;
        }
        if (!(number > 0) || double.IsInfinity(number))
        {
            Py.PyErr_SetString(Py.ExceptionType("PyExc_ValueError"), $"timeout must be a positive number of seconds (got {number.ToString(CultureInfo.InvariantCulture)})");
            return false;
        }
        seconds = TimeSpan.FromSeconds(number);
        return true;
    }

    private static nint TypeError(string message)
    {
        Py.PyErr_SetString(Py.ExceptionType("PyExc_TypeError"), message);
        return 0;
    }

    /// <summary>Runs a module function's body; a .NET exception becomes a Python exception.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint Guard(Func<nint> body)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            try
            {
                return PythonErrors.Raise(e);
            }
            catch (Exception raising)
            {
                Py.PyErr_SetString(Py.ExceptionType("PyExc_SystemError"), $"{e.GetType().Name}: {e.Message} (and mapping it failed: {raising.Message})");
                return 0;
            }
        }
    }
}
