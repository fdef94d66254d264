using System.Net;
using System.Net.Sockets;

namespace Deror.PyHost.Tests.Infrastructure;

/// <summary>A TCP listener that accepts connections and never answers: a client connecting to it waits until it gives up.</summary>
internal sealed class SilentGateway : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _accepted = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SilentGateway()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public string Endpoint => _listener.LocalEndpoint.ToString()!;

    /// <summary>Completes when a client has connected (and is now waiting for an answer that never comes).</summary>
    public Task WaitForConnectionAsync(TimeSpan timeout) => _connected.Task.WaitAsync(timeout);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_accepted)
        {
            _accepted.ForEach(s => s.Dispose());
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_accepted)
                {
                    _accepted.Add(socket);
                }
                _connected.TrySetResult();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
