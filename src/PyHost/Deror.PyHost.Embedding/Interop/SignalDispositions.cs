using System.Runtime.InteropServices;

namespace Deror.PyHost.Interop;

/// <summary>
/// Keeps Python the owner of SIGINT, SIGQUIT and SIGTERM. A .NET host started inside the process (the cluster
/// client's) installs console-lifetime handlers that would swallow Ctrl-C and SIGTERM; the dispositions Python
/// had before are put back when the scope ends, so Ctrl-C raises KeyboardInterrupt and SIGTERM ends the process.
/// </summary>
internal readonly struct SignalDispositions : IDisposable
{
    private static readonly int[] Signals = [2, 3, 15];
    private readonly nint[] _saved;

    private SignalDispositions(nint[] saved) => _saved = saved;

    /// <summary>
    /// Call before Python installs its handlers. .NET installs its native handler for a signal the first time
    /// anything registers for it, and not again; doing that now lets Python's handlers, installed after, stay.
    /// </summary>
    public static void InstallDotNetHandlersFirst()
    {
        foreach (var signal in (PosixSignal[])[PosixSignal.SIGINT, PosixSignal.SIGQUIT, PosixSignal.SIGTERM])
        {
            PosixSignalRegistration.Create(signal, static _ => { }).Dispose();
        }
    }

    public static SignalDispositions Preserve() => new([.. Signals.Select(Py.PyOS_getsig)]);

    public void Dispose()
    {
        for (var i = 0; i < Signals.Length; i++)
        {
            Py.PyOS_setsig(Signals[i], _saved[i]);
        }
    }
}
