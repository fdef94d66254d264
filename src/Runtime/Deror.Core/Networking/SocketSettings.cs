using System.Net.Sockets;
using Deror.Configuration;

namespace Deror.Networking;

internal static class SocketSettings
{
    public static void Apply(Socket socket, MessagingOptions options)
    {
        // Calls are small and latency-bound; the connection's writer already coalesces them into one send per batch.
        socket.NoDelay = true;
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        if (options.SocketBufferSize > 0)
        {
            socket.SendBufferSize = options.SocketBufferSize;
            socket.ReceiveBufferSize = options.SocketBufferSize;
        }
    }
}
