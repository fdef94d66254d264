using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Deror.Benchmarks.Remote;

/// <summary>
/// The baseline's client: callers queue requests; one writer loop drains the queue into the pipe and flushes once
/// per batch; one reader loop completes callers in order (the server answers in order, so no correlation ids).
/// </summary>
public sealed class RawEchoClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly Channel<PendingEcho> _outgoing = Channel.CreateUnbounded<PendingEcho>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentQueue<TaskCompletionSource<byte[]>> _awaitingResponse = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writing;
    private readonly Task _reading;

    private RawEchoClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _writing = WriteLoopAsync(PipeWriter.Create(_stream));
        _reading = ReadLoopAsync(PipeReader.Create(_stream));
    }

    public static async Task<RawEchoClient> ConnectAsync(IPEndPoint server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server);
        return new RawEchoClient(socket);
    }

    public Task<byte[]> EchoAsync(byte[] payload)
    {
        // Completed inline on the reader loop: the cheapest option, so the baseline is not handicapped.
        var completion = new TaskCompletionSource<byte[]>();
        _outgoing.Writer.TryWrite(new PendingEcho(payload, completion));
        return completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _outgoing.Writer.TryComplete();
        await _stopping.CancelAsync();
        _socket.Shutdown(SocketShutdown.Both);
        await Task.WhenAll(_writing, _reading).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _stream.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task WriteLoopAsync(PipeWriter output)
    {
        var queue = _outgoing.Reader;
        while (await queue.WaitToReadAsync(_stopping.Token))
        {
            while (queue.TryRead(out var pending))
            {
                // Registered before it is written, so its response always finds it.
                _awaitingResponse.Enqueue(pending.Completion);
                RawFraming.WriteFrame(output, new(pending.Payload));
            }
            await output.FlushAsync(_stopping.Token);
        }
    }

    private async Task ReadLoopAsync(PipeReader input)
    {
        while (true)
        {
            var result = await input.ReadAsync(_stopping.Token);
            var buffer = result.Buffer;
            while (RawFraming.TryReadFrame(ref buffer, out var payload))
            {
                _awaitingResponse.TryDequeue(out var completion);
                completion!.SetResult(payload.ToArray());
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    private readonly record struct PendingEcho(byte[] Payload, TaskCompletionSource<byte[]> Completion);
}
