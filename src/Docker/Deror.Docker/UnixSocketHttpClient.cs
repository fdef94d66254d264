using System.Net.Sockets;

namespace Deror.Docker;

/// <summary>An <see cref="HttpClient"/> whose every connection is a unix-domain socket to one path.</summary>
internal static class UnixSocketHttpClient
{
    // The engine ignores the host; it only has to be a valid one.
    public static readonly Uri BaseAddress = new("http://docker.sock/");

    public static HttpClient Create(string socketPath) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        // Idle connections to a local socket are cheap to reopen; do not hold them across an engine restart for long.
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    })
    {
        BaseAddress = BaseAddress,
        // Waiting for a container is unbounded; every other call gets its own timeout from the client.
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
