using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Deror.Benchmarks.Remote;

/// <summary>
/// The baseline's server: echoes every length-prefixed frame. All complete frames of one read are written back
/// into the pipe and flushed together, so a batch of requests costs one receive and one send.
/// </summary>
public sealed class RawEchoServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;

    private RawEchoServer(Socket listener)
    {
        _listener = listener;
        _accepting = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    public static RawEchoServer Start()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        return new RawEchoServer(listener);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        await Task.WhenAll([_accepting, .. _connections]).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var socket = await _listener.AcceptAsync(_stopping.Token);
            socket.NoDelay = true;
            _connections.Add(EchoAsync(socket, _stopping.Token));
        }
    }

    private static async Task EchoAsync(Socket socket, CancellationToken stopping)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        var input = PipeReader.Create(stream);
        var output = PipeWriter.Create(stream);
        while (true)
        {
            var result = await input.ReadAsync(stopping);
            var buffer = result.Buffer;
            var echoed = false;
            while (RawFraming.TryReadFrame(ref buffer, out var payload))
            {
                RawFraming.WriteFrame(output, payload);
                echoed = true;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (echoed)
            {
                await output.FlushAsync(stopping);
            }
            if (result.IsCompleted)
            {
                return;
            }
        }
    }
}
