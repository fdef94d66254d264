using System.Net;
using System.Net.Sockets;

namespace Deror.Benchmarks.Processes;

public static class FreePort
{
    /// <summary>A loopback port that was free a moment ago (the OS hands out ephemeral ports round-robin, so reuse is unlikely).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
