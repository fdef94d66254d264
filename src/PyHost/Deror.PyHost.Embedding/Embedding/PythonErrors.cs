using System.Net.Sockets;
using Deror.PyHost.Cluster;
using Deror.PyHost.Interop;

namespace Deror.PyHost.Embedding;

/// <summary>
/// Turns .NET exceptions into Python exceptions that carry the .NET message (and the .NET type name as
/// <c>dotnet_type</c>): <c>deror.NotFoundError</c>, <c>InvalidStateError</c>, <c>TimeoutError</c>,
/// <c>ConnectionError</c>, <c>InvalidArgumentError</c>, else <c>deror.DerorError</c>. The classes are defined by
/// the Python package, which registers them at import; until then the nearest built-in types are used.
/// </summary>
internal static class PythonErrors
{
    /// <summary>The Python classes, in the order <c>deror.errors</c> registers them.</summary>
    public enum Kind
    {
        Base,
        NotFound,
        InvalidState,
        Timeout,
        Connection,
        InvalidArgument,
    }

    private static readonly string[] Fallbacks = ["PyExc_RuntimeError", "PyExc_LookupError", "PyExc_RuntimeError", "PyExc_TimeoutError", "PyExc_ConnectionError", "PyExc_ValueError"];
    private static nint[] s_types = [];

    public static int RegisteredCount => Enum.GetValues<Kind>().Length;

    /// <summary>Keeps references to the package's exception classes (GIL held).</summary>
    public static void Register(ReadOnlySpan<nint> types)
    {
        foreach (var type in types)
        {
            Py.Py_IncRef(type);
        }
        var previous = s_types;
        s_types = types.ToArray();
        foreach (var type in previous)
        {
            Py.Py_DecRef(type);
        }
    }

    /// <summary>Sets the Python error for <paramref name="exception"/> (GIL held); returns 0, the C API's failure result.</summary>
    public static nint Raise(Exception exception)
    {
        var (type, instance) = Create(exception);
        if (instance != 0)
        {
            Py.PyErr_SetObject(type, instance);
            Py.Py_DecRef(instance);
        }
        return 0;
    }

    /// <summary>A new exception instance for <paramref name="exception"/> (GIL held), or 0 with a Python error set.</summary>
    public static (nint Type, nint Instance) Create(Exception exception)
    {
        exception = Unwrap(exception);
        var dotnetType = exception is RemoteGrainException remote ? remote.OriginalTypeName : exception.GetType().FullName ?? exception.GetType().Name;
        var type = exception is PythonArgumentException ? Py.ExceptionType("PyExc_TypeError") : TypeFor(Classify(exception, dotnetType));
        var args = Py.PyTuple_New(1);
        Py.PyTuple_SetItem(args, 0, Py.NewString(exception.Message));
        var instance = Py.PyObject_Call(type, args, 0);
        Py.Py_DecRef(args);
        if (instance != 0)
        {
            var name = Py.NewString(dotnetType);
            Py.PyObject_SetAttrString(instance, "dotnet_type", name);
            Py.Py_DecRef(name);
        }
        return (type, instance);
    }

    private static Exception Unwrap(Exception exception)
    {
        while (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            exception = aggregate.InnerExceptions[0];
        }
        return exception;
    }

    private static Kind Classify(Exception exception, string dotnetType) => exception switch
    {
        GrainMemberNotFoundException or KeyNotFoundException => Kind.NotFound,
        TimeoutException => Kind.Timeout,
        DerorMessageDeliveryException or SocketException => Kind.Connection,
        ArgumentException => Kind.InvalidArgument,
        InvalidOperationException => Kind.InvalidState,
        // Exceptions of grain code whose type this side does not know keep only their name; go by it.
        _ when dotnetType.Contains("NotFound", StringComparison.Ordinal) => Kind.NotFound,
        _ when dotnetType.Contains("Timeout", StringComparison.Ordinal) => Kind.Timeout,
        _ when dotnetType.Contains("InvalidState", StringComparison.Ordinal) || dotnetType.Contains("InvalidOperation", StringComparison.Ordinal) => Kind.InvalidState,
        _ when dotnetType.Contains("Argument", StringComparison.Ordinal) || dotnetType.Contains("InvalidSpec", StringComparison.Ordinal) => Kind.InvalidArgument,
        _ => Kind.Base,
    };

    private static nint TypeFor(Kind kind)
        => s_types.Length > (int)kind ? s_types[(int)kind] : Py.ExceptionType(Fallbacks[(int)kind]);
}
