using System.Reflection;
using System.Runtime.InteropServices;

namespace Deror.PyHost.Interop;

/// <summary>
/// Loads libpython once per process and routes the <see cref="Py"/> imports to it. The library is opened with
/// <c>RTLD_GLOBAL</c> because Debian's extension modules (<c>_json</c>, <c>_ctypes</c>, zmq) are not linked
/// against libpython and resolve its symbols from the global namespace.
/// </summary>
internal static partial class LibPythonLoader
{
    private const int RtldNow = 0x2;
    private const int RtldGlobal = 0x100;

    private static readonly Lock Gate = new();
    private static nint _handle;

    /// <summary>The handle of the loaded library.</summary>
    public static nint Handle => _handle != 0 ? _handle : throw new InvalidOperationException("libpython is not loaded.");

    public static void Load(string path)
    {
        lock (Gate)
        {
            if (_handle != 0)
            {
                return;
            }
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"libpython not found at '{path}'. Install libpython3.11 or point DEROR_LIBPYTHON (or --libpython) at a libpython3.x shared library.", path);
            }
            var handle = DlOpen(path, RtldNow | RtldGlobal);
            if (handle == 0)
            {
                throw new DllNotFoundException($"Could not load '{path}': {Marshal.PtrToStringUTF8(DlError())}");
            }
            _handle = handle;
            NativeLibrary.SetDllImportResolver(typeof(LibPythonLoader).Assembly, Resolve);
        }
    }

    /// <summary>The address of an exported data symbol (e.g. <c>PyExc_TypeError</c>, <c>_Py_NoneStruct</c>).</summary>
    public static nint Export(string name) => NativeLibrary.GetExport(Handle, name);

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        => libraryName == Py.Library ? _handle : 0;

    [LibraryImport("libc.so.6", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint DlOpen(string fileName, int flags);

    [LibraryImport("libc.so.6", EntryPoint = "dlerror")]
    private static partial nint DlError();
}
