using System.Net;
using System.Net.Sockets;

namespace Deror.EndToEnd.Tests;

internal static class FreePorts
{
    private static readonly HashSet<int> Handed = [];

    /// <summary>A port nothing listens on (bound once to learn it, then released), never the same one twice in a run.</summary>
    public static int One()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Handed)
            {
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
