using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Deror.Networking;

namespace Deror.Runtime.Networking;

/// <summary>
/// Listen sockets bound before the silo starts, for ports configured as 0: binding is how the silo learns its
/// real port (to put in its address and membership row), and the same socket is then handed to the listener, so
/// there is no moment between choosing the port and listening on it in which another process could take it.
/// </summary>
internal sealed class PreboundSockets : IDisposable
{
    private readonly ConcurrentDictionary<IPEndPoint, Socket> _sockets = new();

    /// <summary>Binds a socket to any free port on <paramref name="address"/> and returns its endpoint.</summary>
    public IPEndPoint BindFreePort(IPAddress address)
    {
        var socket = ConnectionListener.Bind(new IPEndPoint(address, 0));
        var endpoint = (IPEndPoint)socket.LocalEndPoint!;
        _sockets[endpoint] = socket;
        return endpoint;
    }

    /// <summary>
    /// The socket bound earlier for <paramref name="endpoint"/>, or (a configured port) one bound now; the caller
    /// owns it. Throws <see cref="SocketException"/> when a configured port is taken.
    /// </summary>
    public Socket TakeOrBind(IPEndPoint endpoint)
        => _sockets.TryRemove(endpoint, out var socket) ? socket : ConnectionListener.Bind(endpoint);

    public void Dispose()
    {
        foreach (var endpoint in _sockets.Keys)
        {
            if (_sockets.TryRemove(endpoint, out var socket))
            {
                socket.Dispose();
            }
        }
    }
}
