using System.Runtime.InteropServices;

namespace Deror.PyHost.Interop;

/// <summary>
/// The slice of the CPython C API the host uses. Only stable, non-variadic functions (Unix .NET has no C
/// varargs); the library name is resolved to the handle <see cref="LibPythonLoader"/> opened.
/// </summary>
internal static unsafe partial class Py
{
    public const string Library = "deror-libpython";

    /// <summary><c>Py_file_input</c>: the start symbol for a module's worth of statements.</summary>
    public const int FileInput = 257;

    public const int MethNoArgs = 0x4;
    public const int MethO = 0x8;
    public const int MethFastCall = 0x80;

    /// <summary>The C API version <c>PyModule_Create2</c> expects (unchanged since Python 3.2).</summary>
    public const int ApiVersion = 1013;

    // Lifecycle
    [LibraryImport(Library)] public static partial void Py_InitializeEx(int initsigs);
    [LibraryImport(Library)] public static partial int Py_IsInitialized();
    [LibraryImport(Library)] public static partial int Py_FinalizeEx();
    [LibraryImport(Library)] public static partial void Py_SetProgramName(nint name);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] public static partial nint Py_DecodeLocale(string text, nint size);
    [LibraryImport(Library)] public static partial int PyImport_AppendInittab(nint name, delegate* unmanaged<nint> initfunc);
    [LibraryImport(Library)] public static partial nint PyModule_Create2(nint definition, int apiVersion);

    // Objects
    [LibraryImport(Library)] public static partial void Py_IncRef(nint o);
    [LibraryImport(Library)] public static partial void Py_DecRef(nint o);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] public static partial nint PyImport_ImportModule(string name);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] public static partial nint PyObject_GetAttrString(nint o, string name);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] public static partial int PyObject_SetAttrString(nint o, string name, nint value);
    [LibraryImport(Library)] public static partial nint PyObject_Call(nint callable, nint args, nint kwargs);
    [LibraryImport(Library)] public static partial nint PyTuple_New(nint size);
    [LibraryImport(Library)] public static partial int PyTuple_SetItem(nint tuple, nint index, nint item);
    [LibraryImport(Library)] public static partial nint PyTuple_GetItem(nint tuple, nint index);
    [LibraryImport(Library)] public static partial int PyObject_IsTrue(nint o);
    [LibraryImport(Library)] public static partial nint PyList_New(nint size);
    [LibraryImport(Library)] public static partial int PyList_SetItem(nint list, nint index, nint item);
    [LibraryImport(Library)] public static partial int PyList_Append(nint list, nint item);
    [LibraryImport(Library)] public static partial nint PyDict_New();
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] public static partial int PyDict_SetItemString(nint dict, string key, nint value);
    [LibraryImport(Library)] public static partial nint PyUnicode_FromStringAndSize(byte* utf8, nint size);
    [LibraryImport(Library)] public static partial byte* PyUnicode_AsUTF8AndSize(nint o, out nint size);
    [LibraryImport(Library)] public static partial nint PyLong_FromLongLong(long value);
    [LibraryImport(Library)] public static partial long PyLong_AsLongLong(nint o);
    [LibraryImport(Library)] public static partial nint PyFloat_FromDouble(double value);
    [LibraryImport(Library)] public static partial nint PyBool_FromLong(nint value);
    [LibraryImport(Library)] public static partial double PyFloat_AsDouble(nint o);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] public static partial int PySys_SetObject(string name, nint value);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] public static partial nint PyRun_String(string code, int start, nint globals, nint locals);

    // Errors
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] public static partial void PyErr_SetString(nint type, string message);
    [LibraryImport(Library)] public static partial void PyErr_SetObject(nint type, nint value);
    [LibraryImport(Library)] public static partial nint PyErr_Occurred();
    [LibraryImport(Library)] public static partial int PyErr_ExceptionMatches(nint type);
    [LibraryImport(Library)] public static partial void PyErr_Clear();
    [LibraryImport(Library)] public static partial void PyErr_Print();
    [LibraryImport(Library)] public static partial int PyErr_CheckSignals();
    [LibraryImport(Library)] public static partial void PyErr_WriteUnraisable(nint o);

    // Threads and signals
    [LibraryImport(Library)] public static partial nint PyEval_SaveThread();
    [LibraryImport(Library)] public static partial void PyEval_RestoreThread(nint state);
    [LibraryImport(Library)] public static partial int PyGILState_Ensure();
    [LibraryImport(Library)] public static partial void PyGILState_Release(int state);
    [LibraryImport(Library)] public static partial nuint PyThread_get_thread_ident();
    [LibraryImport(Library)] public static partial int PyThreadState_SetAsyncExc(nuint threadId, nint exception);

    /// <summary><c>Py_None</c> (the address of <c>_Py_NoneStruct</c>), a borrowed reference.</summary>
    public static nint None => s_none != 0 ? s_none : s_none = LibPythonLoader.Export("_Py_NoneStruct");

    private static nint s_none;

    /// <summary>A built-in exception type such as <c>PyExc_TypeError</c> (borrowed).</summary>
    public static nint ExceptionType(string name) => *(nint*)LibPythonLoader.Export(name);

    /// <summary>A new reference to None, for functions that return nothing.</summary>
    public static nint NewNone()
    {
        Py_IncRef(None);
        return None;
    }

    /// <summary>A new Python str from a .NET string.</summary>
    public static nint NewString(string value)
    {
        var length = System.Text.Encoding.UTF8.GetByteCount(value);
        if (length <= 512)
        {
            var bytes = stackalloc byte[length];
            System.Text.Encoding.UTF8.GetBytes(value, new Span<byte>(bytes, length));
            return PyUnicode_FromStringAndSize(bytes, length);
        }
        var buffer = System.Text.Encoding.UTF8.GetBytes(value);
        fixed (byte* p = buffer)
        {
            return PyUnicode_FromStringAndSize(p, buffer.Length);
        }
    }

    /// <summary>Reads a Python str, or returns null with a Python exception set when <paramref name="o"/> is not one.</summary>
    public static string? ReadString(nint o)
    {
        var utf8 = PyUnicode_AsUTF8AndSize(o, out var size);
        return utf8 is null ? null : System.Text.Encoding.UTF8.GetString(utf8, checked((int)size));
    }
}
