using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Net;
using System.Threading.Channels;
using Deror.Configuration;
using Deror.Messaging;
using Deror.Serialization;
using Microsoft.Extensions.Logging;

namespace Deror.Networking;

/// <summary>
/// One established TCP connection (after the handshake). <see cref="Send"/> only queues; a single writer loop
/// encodes everything queued into one buffer and writes it with one socket send, and a reader loop decodes
/// frames and hands them to the <see cref="IMessageHandler"/>. Any protocol violation closes this connection only.
/// </summary>
/// <remarks>
/// Backpressure: at most <see cref="MessagingOptions.MaxQueuedRequestsPerConnection"/> requests wait in the queue;
/// further requests wait for room (their callers' calls stay pending) instead of growing the queue while the peer
/// reads slowly or not at all. Responses and messages to system grains (probes, gossip) never wait for room and
/// are written ahead of queued requests, as Orleans keeps pings and system messages apart from application
/// traffic: a full request queue can neither block the answers a peer waits for nor make a silo miss its probes.
/// </remarks>
public sealed class Connection : IDisposable
{
    // Stop adding frames to a batch once it is this big, so one send does not hold back the rest for long.
    private const int BatchSoftLimit = 512 * 1024;
    private const int InitialBatchCapacity = 64 * 1024;

    private readonly Socket _socket;
    private readonly PipeReader _input;
    private readonly MessageSerializer _serializer;
    private readonly IMessageHandler _handler;
    private readonly ILogger _logger;
    private readonly int _maxMessageSize;
    // Written in place of a priority message, only to wake the writer loop, which then drains _priority first.
    private static readonly Message WakeUp = new();

    private readonly Channel<Message> _outgoing = Channel.CreateUnbounded<Message>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });
    private readonly ConcurrentQueue<Message> _priority = new();
    private readonly SemaphoreSlim _requestRoom;
    private int _waitingForRoom;

    // Messages in the batch being written; reported as unsent if the write fails. Owned by the writer loop.
    private readonly List<Message> _inFlight = [];
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _maxQueuedRequests;
    private int _closeStarted;
    private bool _closedLocally;
    private Exception? _closeReason;

    internal Connection(
        Socket socket,
        PipeReader input,
        Handshake localHandshake,
        Handshake remoteHandshake,
        MessageSerializer serializer,
        IMessageHandler handler,
        MessagingOptions options,
        ILogger logger)
    {
        _socket = socket;
        _input = input;
        _serializer = serializer;
        _handler = handler;
        _logger = logger;
        _maxMessageSize = options.MaxMessageSize;
        _maxQueuedRequests = options.MaxQueuedRequestsPerConnection;
        _requestRoom = new SemaphoreSlim(_maxQueuedRequests);
        LocalHandshake = localHandshake;
        RemoteHandshake = remoteHandshake;
        RemoteEndPoint = socket.RemoteEndPoint;
        LocalEndPoint = socket.LocalEndPoint;
    }

    /// <summary>Who the peer said it is: a client id or a silo address, plus its metadata.</summary>
    public Handshake RemoteHandshake { get; }

    public Handshake LocalHandshake { get; }

    public EndPoint? RemoteEndPoint { get; }

    public EndPoint? LocalEndPoint { get; }

    /// <summary>True once closing has started; <see cref="Send"/> then reports messages as failed.</summary>
    public bool IsClosed => Volatile.Read(ref _closeStarted) != 0;

    /// <summary>Why the connection closed: null while open or when closed by <see cref="Dispose"/>.</summary>
    public Exception? CloseReason => _closeReason;

    /// <summary>Completes (never faults) after the connection closed and the handler was told.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Requests queued to be written, at most <see cref="MessagingOptions.MaxQueuedRequestsPerConnection"/>.</summary>
    public int QueuedRequests => _maxQueuedRequests - _requestRoom.CurrentCount;

    /// <summary>Requests waiting for room in the queue (sent while it was full).</summary>
    public int RequestsWaitingForRoom => Volatile.Read(ref _waitingForRoom);

    /// <summary>
    /// Queues <paramref name="message"/>; never blocks. A request that finds the queue full waits (asynchronously,
    /// in order) for room; responses and system messages never wait. The message is encoded later on the writer
    /// loop, so neither it nor its arguments may be changed after this call. If it cannot be sent the handler's
    /// <see cref="IMessageHandler.OnSendFailed"/> is called.
    /// </summary>
    public void Send(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (IsPriority(message))
        {
            _priority.Enqueue(message);
            if (!_outgoing.Writer.TryWrite(WakeUp))
            {
                // Closed: the run task may have drained the queue already, so report whatever is left here.
                DrainUnsentPriority();
            }
            return;
        }
        if (_requestRoom.Wait(0))
        {
            EnqueueRequest(message);
            return;
        }
        _ = EnqueueWhenRoomAsync(message);
    }

    private static bool IsPriority(Message message)
        => message.Direction == MessageDirection.Response || SystemGrainTypes.IsSystem(message.TargetGrain);

    private void EnqueueRequest(Message message)
    {
        if (!_outgoing.Writer.TryWrite(message))
        {
            _requestRoom.Release();
            ReportUnsent(message, NewClosedException());
        }
    }

    private async Task EnqueueWhenRoomAsync(Message message)
    {
        Interlocked.Increment(ref _waitingForRoom);
        try
        {
            await _requestRoom.WaitAsync(_closing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            ReportUnsent(message, NewClosedException());
            return;
        }
        finally
        {
            Interlocked.Decrement(ref _waitingForRoom);
        }
        EnqueueRequest(message);
    }

    /// <summary>Closes the connection; queued messages are reported as unsent. <see cref="Closed"/> completes once that is done.</summary>
    public void Dispose()
    {
        _closedLocally = true;
        Abort(null);
    }

    public override string ToString() => $"Connection to {RemoteHandshake} at {RemoteEndPoint}";

    /// <summary>Tells the handler and starts the I/O loops. Called once by whoever established the connection.</summary>
    internal void Start()
    {
        NetworkingLog.Connected(_logger, RemoteHandshake, RemoteEndPoint);
        try
        {
            _handler.OnConnected(this);
        }
        catch (Exception e)
        {
            NetworkingLog.HandlerFailed(_logger, nameof(IMessageHandler.OnConnected), RemoteHandshake, e);
            Abort(e);
        }
        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        var reading = Task.Run(ReadLoopAsync);
        var writing = Task.Run(WriteLoopAsync);
        await Task.WhenAll(reading, writing).ConfigureAwait(ConfigureAwaitOptions.ForceYielding | ConfigureAwaitOptions.SuppressThrowing);
        await _input.CompleteAsync();
        _socket.Dispose();
        ReportAllUnsent();
        Notify(nameof(IMessageHandler.OnClosed), () => _handler.OnClosed(this, _closeReason));
        _closed.TrySetResult();
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync(_closing.Token);
                var buffer = result.Buffer;
                try
                {
                    while (Framing.TryReadFrame(ref buffer, _maxMessageSize, out var payload))
                    {
                        Deliver(Decode(payload));
                    }
                }
                finally
                {
                    // Consumed up to the first incomplete frame; examined everything, so the next read waits for more bytes.
                    _input.AdvanceTo(buffer.Start, buffer.End);
                }
                if (result.IsCompleted)
                {
                    Abort(buffer.IsEmpty
                        ? new DerorMessageDeliveryException($"The connection to {RemoteHandshake} was closed by the peer.")
                        : new ConnectionProtocolException($"The peer closed the connection in the middle of a frame ({buffer.Length} byte(s) of it received)."));
                    return;
                }
            }
        }
        catch (Exception e)
        {
            Abort(e);
        }
    }

    private Message Decode(ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
        {
            return _serializer.Read(payload.FirstSpan);
        }
        var length = (int)payload.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            payload.CopyTo(rented);
            return _serializer.Read(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void Deliver(Message message)
    {
        try
        {
            _handler.OnMessage(message, this);
        }
        catch (Exception e)
        {
            // A handler bug affects that message only; the stream itself is intact.
            NetworkingLog.HandlerFailed(_logger, nameof(IMessageHandler.OnMessage), RemoteHandshake, e);
        }
    }

    private async Task WriteLoopAsync()
    {
        using var batch = new CodecWriter(InitialBatchCapacity);
        var queue = _outgoing.Reader;
        try
        {
            while (await queue.WaitToReadAsync(_closing.Token))
            {
                batch.Reset();
                while (batch.Length < BatchSoftLimit && TryDequeue(queue, out var message))
                {
                    if (TryEncode(message, batch))
                    {
                        _inFlight.Add(message);
                    }
                }
                var pending = batch.WrittenMemory;
                while (!pending.IsEmpty)
                {
                    pending = pending[await _socket.SendAsync(pending, SocketFlags.None, _closing.Token)..];
                }
                _inFlight.Clear();
            }
        }
        catch (Exception e)
        {
            Abort(e);
        }
    }

    /// <summary>Priority messages first; a request taken off the queue makes room for a waiting one.</summary>
    private bool TryDequeue(ChannelReader<Message> queue, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Message? message)
    {
        if (_priority.TryDequeue(out message))
        {
            return true;
        }
        while (queue.TryRead(out message))
        {
            if (ReferenceEquals(message, WakeUp))
            {
                // Its priority message was taken already (by this or an earlier batch), or is next in line.
                if (_priority.TryDequeue(out message))
                {
                    return true;
                }
                continue;
            }
            _requestRoom.Release();
            return true;
        }
        return false;
    }

    /// <summary>
    /// Appends one frame to the batch: its length is reserved, the message encoded straight after it and the length
    /// filled in. A message that fails to encode (or is too big) is cut off again and reported, so it corrupts
    /// neither the batch nor the connection.
    /// </summary>
    private bool TryEncode(Message message, CodecWriter batch)
    {
        var start = batch.Length;
        batch.WriteInt32(0);
        try
        {
            _serializer.Write(message, batch);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            batch.Truncate(start);
            NetworkingLog.EncodeFailed(_logger, message.ToString(), RemoteHandshake, e.Message);
            ReportUnsent(message, e as SerializationException ?? new SerializationException($"Cannot encode {message}: {e.Message}", e));
            return false;
        }
        var length = batch.Length - start - Framing.HeaderSize;
        if (length > _maxMessageSize)
        {
            batch.Truncate(start);
            var tooBig = new SerializationException($"{message} is {length} bytes, over the {_maxMessageSize}-byte message size limit.");
            NetworkingLog.EncodeFailed(_logger, message.ToString(), RemoteHandshake, tooBig.Message);
            ReportUnsent(message, tooBig);
            return false;
        }
        batch.WriteInt32At(start, length);
        return true;
    }

    /// <summary>Starts closing (first caller wins and sets the reason): stops both loops and closes the socket.</summary>
    private void Abort(Exception? reason)
    {
        if (Interlocked.Exchange(ref _closeStarted, 1) != 0)
        {
            return;
        }
        _closeReason = reason;
        LogClose(reason);
        // Cancel first: once both loops end, the run task may dispose the socket at any moment.
        _closing.Cancel();
        _outgoing.Writer.TryComplete();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already reset by the peer, or disposed by the run task: nothing left to shut down.
        }
    }

    private void LogClose(Exception? reason)
    {
        switch (reason)
        {
            case null when _closedLocally:
                NetworkingLog.ClosedLocally(_logger, RemoteHandshake, RemoteEndPoint);
                break;
            case DerorMessageDeliveryException:
                NetworkingLog.ClosedByPeer(_logger, RemoteHandshake, RemoteEndPoint);
                break;
            default:
                NetworkingLog.ClosedOnError(_logger, RemoteHandshake, RemoteEndPoint, reason?.Message ?? "unknown");
                break;
        }
    }

    private void ReportAllUnsent()
    {
        var reason = NewClosedException();
        foreach (var message in _inFlight)
        {
            ReportUnsent(message, reason);
        }
        _inFlight.Clear();
        while (_outgoing.Reader.TryRead(out var message))
        {
            if (!ReferenceEquals(message, WakeUp))
            {
                ReportUnsent(message, reason);
            }
        }
        DrainUnsentPriority();
    }

    private void DrainUnsentPriority()
    {
        while (_priority.TryDequeue(out var message))
        {
            ReportUnsent(message, NewClosedException());
        }
    }

    private void ReportUnsent(Message message, Exception reason)
        => Notify(nameof(IMessageHandler.OnSendFailed), () => _handler.OnSendFailed(message, this, reason));

    private void Notify(string callback, Action call)
    {
        try
        {
            call();
        }
        catch (Exception e)
        {
            NetworkingLog.HandlerFailed(_logger, callback, RemoteHandshake, e);
        }
    }

    private DerorMessageDeliveryException NewClosedException()
        => new($"The connection to {RemoteHandshake} at {RemoteEndPoint} is closed.", _closeReason);
}
