using System.Collections.Concurrent;
using Deror.Messaging;
using Deror.Networking;
using Deror.Runtime.Tests.Serialization;

namespace Deror.Runtime.Tests.Networking;

/// <summary>The listener side: answers every <see cref="EchoRequest"/> with its text.</summary>
internal sealed class EchoServerHandler : IMessageHandler
{
    public ConcurrentQueue<Connection> Connected { get; } = new();

    /// <summary>Every message, in the order it was read.</summary>
    public ConcurrentQueue<Message> Received { get; } = new();

    public void OnConnected(Connection connection) => Connected.Enqueue(connection);

    public void OnMessage(Message message, Connection connection)
    {
        Received.Enqueue(message);
        var response = message.CreateResponse(ResponseStatus.Success);
        response.Request = message.Request;
        response.Result = ((EchoRequest)message.Request!).Text;
        connection.Send(response);
    }

    public void OnSendFailed(Message message, Connection connection, Exception reason)
    {
    }

    public void OnClosed(Connection connection, Exception? reason)
    {
    }
}

/// <summary>The caller side: matches responses to pending calls by correlation id, as the client runtime will.</summary>
internal sealed class CallerHandler : IMessageHandler
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<Message>> _pending = new();
    private long _nextId;

    public TaskCompletionSource<Exception?> ClosedReason { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<(Message Message, Exception Reason)> SendFailures { get; } = new();

    public Task<Message> Call(Connection connection, Message request)
    {
        request.Id = Interlocked.Increment(ref _nextId);
        var response = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[request.Id] = response;
        connection.Send(request);
        return response.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public void OnConnected(Connection connection)
    {
    }

    public void OnMessage(Message message, Connection connection)
    {
        if (_pending.TryRemove(message.Id, out var call))
        {
            call.TrySetResult(message);
        }
    }

    public void OnSendFailed(Message message, Connection connection, Exception reason)
    {
        SendFailures.Enqueue((message, reason));
        if (_pending.TryRemove(message.Id, out var call))
        {
            call.TrySetException(reason);
        }
    }

    /// <summary>Calls already sent can no longer be answered: fail them, as the runtime does.</summary>
    public void OnClosed(Connection connection, Exception? reason)
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var call))
            {
                call.TrySetException(new Deror.DerorMessageDeliveryException("closed", reason));
            }
        }
        ClosedReason.TrySetResult(reason);
    }
}
