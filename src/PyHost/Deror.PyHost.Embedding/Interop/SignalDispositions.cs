using System.Runtime.InteropServices;

namespace Deror.PyHost.Interop;

/// <summary>Keeps Python the owner of SIGINT, SIGQUIT and SIGTERM in deror-py, so Ctrl-C raises KeyboardInterrupt.</summary>
internal static class SignalDispositions
{
    /// <summary>
    /// Call before Python installs its handlers. .NET installs its native handler for a signal the first time
    /// anything registers for it, and not again; doing that now lets Python's handlers, installed after, stay.
    /// (The cluster client's host registers none: it uses an embedded lifetime that leaves signals alone.)
    /// </summary>
    public static void InstallDotNetHandlersFirst()
    {
        foreach (var signal in (PosixSignal[])[PosixSignal.SIGINT, PosixSignal.SIGQUIT, PosixSignal.SIGTERM])
        {
            PosixSignalRegistration.Create(signal, static _ => { }).Dispose();
        }
    }
}
