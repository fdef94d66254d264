using Deror.PyHost.Interop;

namespace Deror.PyHost.Embedding;

/// <summary>
/// The embedded CPython: loaded, started with the <c>_deror</c> module, bootstrapped so <c>import deror</c>
/// finds the embedded package, and finalized. Host code runs as functions of <c>deror._host</c>, never in
/// <c>__main__</c> (IPython replaces it) and never through <c>PyRun_SimpleString</c> (its SystemExit handling
/// calls C <c>exit()</c>).
/// </summary>
internal sealed class PythonInterpreter
{
    private const string HostModule = "deror._host";

    private PythonInterpreter()
    {
    }

    /// <summary>
    /// Starts the interpreter on the calling thread, which then holds the GIL. With <paramref name="ownSignals"/>
    /// (deror-py) Python handles SIGINT, so Ctrl-C raises KeyboardInterrupt; without (a silo) the process's signals
    /// stay with .NET's host.
    /// </summary>
    public static PythonInterpreter Start(PyHostOptions options, DerorModuleServices services, bool ownSignals = true)
    {
        LibPythonLoader.Load(options.LibPython);
        if (Py.Py_IsInitialized() != 0)
        {
            throw new InvalidOperationException("The Python interpreter is already running in this process.");
        }
        var executable = options.ResolvedPythonExecutable;
        // Python derives sys.prefix (and so its standard library) from the program name: never from PATH,
        // where `python3` may be another interpreter (a pyenv shim). The string must outlive the interpreter.
        Py.Py_SetProgramName(Py.Py_DecodeLocale(executable, 0));
        NativeModule.Install(services);
        if (ownSignals)
        {
            SignalDispositions.InstallDotNetHandlersFirst();
        }
        Py.Py_InitializeEx(ownSignals ? 1 : 0);
        var interpreter = new PythonInterpreter();
        var path = Py.NewString(executable);
        Py.PySys_SetObject("executable", path);
        Py.Py_DecRef(path);
        interpreter.RunBootstrap();
        return interpreter;
    }

    /// <summary>Calls <c>deror._host.&lt;function&gt;(*arguments)</c> and returns the exit code it gives.</summary>
    public int RunHost(string function, IReadOnlyList<string> arguments)
    {
        var module = Py.PyImport_ImportModule(HostModule);
        if (module == 0)
        {
            return PrintError();
        }
        var callable = Py.PyObject_GetAttrString(module, function);
        Py.Py_DecRef(module);
        if (callable == 0)
        {
            return PrintError();
        }
        var args = Py.PyTuple_New(arguments.Count);
        for (var i = 0; i < arguments.Count; i++)
        {
            Py.PyTuple_SetItem(args, i, Py.NewString(arguments[i]));
        }
        var result = Py.PyObject_Call(callable, args, 0);
        Py.Py_DecRef(args);
        Py.Py_DecRef(callable);
        if (result == 0)
        {
            return PrintError();
        }
        var code = Py.PyLong_AsLongLong(result);
        Py.Py_DecRef(result);
        return code == -1 && Py.PyErr_Occurred() != 0 ? PrintError() : (int)code;
    }

    /// <summary>Runs atexit handlers, waits for non-daemon threads and frees the interpreter (GIL held, starting thread).</summary>
    public static int Finalize() => Py.Py_FinalizeEx();

    private void RunBootstrap()
    {
        var globals = Py.PyDict_New();
        var name = Py.NewString("deror._bootstrap");
        Py.PyDict_SetItemString(globals, "__name__", name);
        Py.Py_DecRef(name);
        var result = Py.PyRun_String(EmbeddedPythonSources.ReadRequired("_bootstrap.py"), Py.FileInput, globals, globals);
        Py.Py_DecRef(globals);
        if (result == 0)
        {
            PrintError();
            throw new InvalidOperationException("The deror-py bootstrap failed (the Python error is printed above).");
        }
        Py.Py_DecRef(result);
    }

    /// <summary>Prints the pending Python exception and returns exit code 1. SystemExit is not printed: PyErr_Print would call C exit().</summary>
    private static int PrintError()
    {
        if (Py.PyErr_ExceptionMatches(Py.ExceptionType("PyExc_SystemExit")) != 0)
        {
            Py.PyErr_Clear();
            return 1;
        }
        Py.PyErr_Print();
        return 1;
    }
}
