using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Net;
using Deror.Configuration;
using Deror.Messaging;
using Deror.Serialization;
using Microsoft.Extensions.Logging;

namespace Deror.Networking;

/// <summary>
/// One established TCP connection (after the handshake). <see cref="Send"/> queues; whoever owns the writer encodes
/// everything queued into one buffer and writes it with one socket send, and a reader loop decodes frames and hands
/// them to the <see cref="IMessageHandler"/>. Any protocol violation closes this connection only.
/// </summary>
/// <remarks>
/// <para>Writing: a sender on a thread-pool thread hands the writing to a pool work item, which the same thread
/// picks up as soon as it is free, so concurrent senders share one batch. A sender outside the pool (a PyHost
/// Python thread, a blocking caller) would instead have to wake a pool thread for every call; when the writer is
/// idle it writes the batch itself with a non-blocking send, and only what the socket does not take at once is
/// left to a pool work item.</para>
/// <para>Backpressure: at most <see cref="MessagingOptions.MaxQueuedRequestsPerConnection"/> requests wait in the
/// queue; further requests wait for room (their callers' calls stay pending) instead of growing the queue while the
/// peer reads slowly or not at all. Responses and messages to system grains (probes, gossip) never wait for room
/// and are written ahead of queued requests, as Orleans keeps pings and system messages apart from application
/// traffic: a full request queue can neither block the answers a peer waits for nor make a silo miss its probes.</para>
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

    private readonly ConcurrentQueue<Message> _requests = new();
    private readonly ConcurrentQueue<Message> _priority = new();
    // Requests sent while _requests was full, in order; admitted into _requests as the writer makes room.
    private readonly ConcurrentQueue<Message> _waiting = new();
    private int _queuedRequests;
    private int _waitingForRoom;
    // 1 while one thread moves waiting requests into the queue: one at a time keeps them in order.
    private int _admitting;

    // Held by whoever writes: it owns _batch, _inFlight and the socket's sending side. Taken for good when closing.
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly CodecWriter _batch = new(InitialBatchCapacity);
    // Messages in the batch being written; reported as unsent if the write fails.
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
        LocalHandshake = localHandshake;
        RemoteHandshake = remoteHandshake;
        RemoteEndPoint = socket.RemoteEndPoint;
        LocalEndPoint = socket.LocalEndPoint;
        // Sends made on a caller's thread must never block it; the asynchronous sends are unaffected.
        _socket.Blocking = false;
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
    public int QueuedRequests => Volatile.Read(ref _queuedRequests);

    /// <summary>Requests waiting for room in the queue (sent while it was full).</summary>
    public int RequestsWaitingForRoom => Volatile.Read(ref _waitingForRoom);

    /// <summary>
    /// Queues <paramref name="message"/>; never blocks. A request that finds the queue full (or other requests
    /// already waiting) waits for room behind them, so requests are written in the order they were sent; responses and
    /// system messages never wait. The message may be encoded later by another thread, so neither it nor its
    /// arguments may be changed after this call. If it cannot be sent the handler's
    /// <see cref="IMessageHandler.OnSendFailed"/> is called.
    /// </summary>
    public void Send(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (IsPriority(message))
        {
            _priority.Enqueue(message);
        }
        else if (Volatile.Read(ref _waitingForRoom) == 0 && TryTakeRoom())
        {
            _requests.Enqueue(message);
        }
        else
        {
            Interlocked.Increment(ref _waitingForRoom);
            _waiting.Enqueue(message);
            AdmitWaiting();
        }
        StartWriting();
    }

    private static bool IsPriority(Message message)
        => message.Direction == MessageDirection.Response || SystemGrainTypes.IsSystem(message.TargetGrain);

    /// <summary>Writes what is queued: on this thread if it is outside the pool and nobody writes, else by a pool work item.</summary>
    private void StartWriting()
    {
        if (!Thread.CurrentThread.IsThreadPoolThread && _writer.Wait(0))
        {
            WriteInline();
        }
        else
        {
            ScheduleWriter();
        }
        if (IsClosed)
        {
            // Closing takes the writer for good; whatever raced with it is reported here or by the run task.
            ReportQueuedAsUnsent();
        }
    }

    private bool TryTakeRoom()
    {
        var queued = Volatile.Read(ref _queuedRequests);
        while (queued < _maxQueuedRequests)
        {
            var seen = Interlocked.CompareExchange(ref _queuedRequests, queued + 1, queued);
            if (seen == queued)
            {
                return true;
            }
            queued = seen;
        }
        return false;
    }

    /// <summary>Moves waiting requests into the queue, oldest first, while it has room.</summary>
    private void AdmitWaiting()
    {
        while (!_waiting.IsEmpty && Interlocked.CompareExchange(ref _admitting, 1, 0) == 0)
        {
            while (!_waiting.IsEmpty && TryTakeRoom())
            {
                if (!_waiting.TryDequeue(out var message))
                {
                    Interlocked.Decrement(ref _queuedRequests); // taken by the close, which reports it
                    break;
                }
                _requests.Enqueue(message);
                Interlocked.Decrement(ref _waitingForRoom);
            }
            Volatile.Write(ref _admitting, 0);
            // Room made while this thread held the flag was left to it: look again unless the queue is full.
            if (Volatile.Read(ref _queuedRequests) >= _maxQueuedRequests)
            {
                return;
            }
        }
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
        await Task.Run(ReadLoopAsync).ConfigureAwait(ConfigureAwaitOptions.ForceYielding | ConfigureAwaitOptions.SuppressThrowing);
        // The read loop ends only once closing started; a writer that holds on stops at its next step.
        await _writer.WaitAsync();
        await _input.CompleteAsync();
        _socket.Dispose();
        ReportAllUnsent();
        _batch.Dispose();
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

    /// <summary>Starts a writer on the thread pool, unless one is writing already (it looks at the queues again before it stops).</summary>
    private void ScheduleWriter()
    {
        if (HasQueued && _writer.Wait(0))
        {
            ThreadPool.UnsafeQueueUserWorkItem(static connection => _ = connection.WriteAsync(ReadOnlyMemory<byte>.Empty), this, preferLocal: true);
        }
    }

    private bool HasQueued => !_priority.IsEmpty || !_requests.IsEmpty;

    /// <summary>
    /// Writes one batch on the calling thread (writer held) with a non-blocking send. What the socket does not take
    /// at once is written by a writer on the thread pool, and so is whatever was queued meanwhile: the caller does
    /// not stay to write other senders' messages.
    /// </summary>
    private void WriteInline()
    {
        if (IsClosed || !TryFillBatch())
        {
            ReleaseWriter();
            return;
        }
        var batch = _batch.WrittenMemory;
        var sent = _socket.Send(batch.Span, SocketFlags.None, out var error);
        if (error is not (SocketError.Success or SocketError.WouldBlock))
        {
            Abort(new SocketException((int)error));
            ReleaseWriter();
            return;
        }
        if (sent == batch.Length)
        {
            _inFlight.Clear();
            ReleaseWriter();
            return;
        }
        var rest = batch[sent..];
        ThreadPool.UnsafeQueueUserWorkItem(_ => _ = WriteAsync(rest), null);
    }

    /// <summary>Writes <paramref name="unsent"/> (the rest of the current batch), then batch after batch until the queues are empty (writer held).</summary>
    private async Task WriteAsync(ReadOnlyMemory<byte> unsent)
    {
        try
        {
            while (true)
            {
                while (!unsent.IsEmpty)
                {
                    unsent = unsent[await _socket.SendAsync(unsent, SocketFlags.None, _closing.Token)..];
                }
                _inFlight.Clear();
                if (IsClosed || !TryFillBatch())
                {
                    break;
                }
                unsent = _batch.WrittenMemory;
            }
        }
        catch (Exception e)
        {
            Abort(e);
        }
        ReleaseWriter();
    }

    /// <summary>A sender that found the writer held left its message to the writer: so look at the queues once more.</summary>
    private void ReleaseWriter()
    {
        _writer.Release();
        if (!IsClosed)
        {
            ScheduleWriter();
        }
    }

    /// <summary>Encodes queued messages into the batch, up to its soft limit; false when nothing was queued.</summary>
    private bool TryFillBatch()
    {
        _batch.Reset();
        while (_batch.Length < BatchSoftLimit && TryDequeue(out var message))
        {
            if (TryEncode(message, _batch))
            {
                _inFlight.Add(message);
            }
        }
        return _batch.Length > 0;
    }

    /// <summary>Priority messages first; a request taken off the queue makes room for a waiting one.</summary>
    private bool TryDequeue([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Message? message)
    {
        if (_priority.TryDequeue(out message))
        {
            return true;
        }
        if (_requests.TryDequeue(out message))
        {
            Interlocked.Decrement(ref _queuedRequests);
            AdmitWaiting();
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
        ReportQueuedAsUnsent();
    }

    private void ReportQueuedAsUnsent()
    {
        while (TryDequeue(out var message) || TryDequeueWaiting(out message))
        {
            ReportUnsent(message, NewClosedException());
        }
    }

    private bool TryDequeueWaiting([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Message? message)
    {
        if (!_waiting.TryDequeue(out message))
        {
            return false;
        }
        Interlocked.Decrement(ref _waitingForRoom);
        return true;
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
