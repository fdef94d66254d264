using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Deror.Configuration;
using Deror.Messaging;
using Deror.Serialization;
using Microsoft.Extensions.Logging;

namespace Deror.Networking;

/// <summary>The handshake both ends run on a fresh socket: send ours, read theirs (concurrently), within a timeout.</summary>
internal static class ConnectionEstablishment
{
    private const int ReadBufferSize = 64 * 1024;

    /// <summary>
    /// Returns a connection that is not yet started (the caller registers it, then calls <see cref="Connection.Start"/>).
    /// Throws <see cref="ConnectionProtocolException"/> for a bad or late handshake and
    /// <see cref="ConnectionRefusedException"/> when either side refused; the socket is then disposed. With
    /// <paramref name="admission"/> (accepting side only) the peer's handshake is read and judged before this side
    /// answers with its own handshake or a refusal.
    /// </summary>
    public static async Task<Connection> EstablishAsync(
        Socket socket,
        Handshake localHandshake,
        MessageSerializer serializer,
        IMessageHandler handler,
        MessagingOptions options,
        ILogger logger,
        CancellationToken cancellationToken,
        HandshakeAdmission? admission = null)
    {
        // The reader is created before the handshake and handed to the connection: the peer may send its first
        // messages right behind its handshake, in the same packet.
        var input = PipeReader.Create(
            new NetworkStream(socket, ownsSocket: false),
            new StreamPipeReaderOptions(bufferSize: ReadBufferSize, minimumReadSize: ReadBufferSize / 4, leaveOpen: true));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.HandshakeTimeout);
        Task? sending = null;
        try
        {
            SocketSettings.Apply(socket, options);
            Handshake remoteHandshake;
            if (admission is null)
            {
                sending = SendFrameAsync(socket, frame => HandshakeSerializer.Write(localHandshake, frame), timeout.Token);
                remoteHandshake = await ReceiveHandshakeAsync(input, options.MaxMessageSize, timeout.Token);
            }
            else
            {
                remoteHandshake = await ReceiveHandshakeAsync(input, options.MaxMessageSize, timeout.Token);
                if (admission(remoteHandshake) is { } reason)
                {
                    await SendFrameAsync(socket, frame => HandshakeSerializer.WriteRefusal(reason, frame), timeout.Token);
                    await LingerUntilPeerClosesAsync(socket, input, timeout.Token);
                    throw new ConnectionRefusedException($"Refused {remoteHandshake}: {reason}", reason, null);
                }
                sending = SendFrameAsync(socket, frame => HandshakeSerializer.Write(localHandshake, frame), timeout.Token);
            }
            await sending;
            return new Connection(socket, input, localHandshake, remoteHandshake, serializer, handler, options, logger);
        }
        catch (Exception e)
        {
            await input.CompleteAsync();
            socket.Dispose();
            if (sending is not null)
            {
                await sending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new ConnectionProtocolException($"No handshake within {options.HandshakeTimeout}.", e);
            }
            throw;
        }
    }

    /// <summary>
    /// Half-closes after a refusal and waits (bounded by the handshake timeout) for the peer to close: closing with
    /// unread input would reset the connection, and a reset can discard the refusal before the peer reads it.
    /// </summary>
    private static async Task LingerUntilPeerClosesAsync(Socket socket, PipeReader input, CancellationToken cancellationToken)
    {
        socket.Shutdown(SocketShutdown.Send);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(cancellationToken);
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
        {
            // The peer is gone or slow; the refusal has been sent either way.
        }
    }

    private static async Task SendFrameAsync(Socket socket, Action<CodecWriter> writePayload, CancellationToken cancellationToken)
    {
        using var frame = new CodecWriter();
        frame.WriteInt32(0);
        writePayload(frame);
        frame.PatchInt32(0, frame.Length - Framing.HeaderSize);
        var pending = frame.WrittenMemory;
        while (!pending.IsEmpty)
        {
            pending = pending[await socket.SendAsync(pending, SocketFlags.None, cancellationToken)..];
        }
    }

    private static async Task<Handshake> ReceiveHandshakeAsync(PipeReader input, int maxFrameSize, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (Framing.TryReadFrame(ref buffer, maxFrameSize, out var payload))
            {
                var handshake = HandshakeSerializer.Read(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray().AsSpan());
                // Only the handshake is consumed, and nothing more examined: frames behind it must be read right away.
                input.AdvanceTo(buffer.Start);
                return handshake;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted && buffer.Length == 0)
            {
                throw new PeerClosedBeforeHandshakeException();
            }
            if (result.IsCompleted)
            {
                throw new ConnectionProtocolException($"The peer closed the connection during the handshake ({buffer.Length} byte(s) received).");
            }
        }
    }
}
