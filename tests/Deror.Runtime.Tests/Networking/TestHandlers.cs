using System.Collections.Concurrent;
using System.Globalization;
using Deror.Messaging;
using Deror.Networking;
using Deror.Runtime.Tests.Serialization;
using Xunit;

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

/// <summary>Senders on threads outside the thread pool and on pool threads at once, each numbering its messages.</summary>
internal static class MixedSenders
{
    /// <summary>
    /// <paramref name="threads"/> dedicated threads and as many pool tasks each call <paramref name="send"/> with their
    /// name ("thread0", "pool0", ...) and every index below <paramref name="perSender"/>; returns once all have sent.
    /// </summary>
    public static async Task RunAsync(int threads, int perSender, Action<string, int> send)
    {
        void SendAll(string sender)
        {
            for (var i = 0; i < perSender; i++)
            {
                send(sender, i);
            }
        }
        var dedicated = Enumerable.Range(0, threads).Select(k => new Thread(() => SendAll($"thread{k}"))).ToArray();
        foreach (var thread in dedicated)
        {
            thread.Start();
        }
        await Task.WhenAll(Enumerable.Range(0, threads).Select(k => Task.Run(() => SendAll($"pool{k}"))));
        Assert.All(dedicated, thread => Assert.True(thread.Join(TimeSpan.FromSeconds(10)), "a sender blocked"));
    }

    /// <summary>Every sender's requests (text "sender index ...") arrived, each sender's in the order it sent them.</summary>
    public static void AssertEachInOrder(IEnumerable<Message> received, int threads, int perSender)
    {
        var bySender = received.Select(m => ((EchoRequest)m.Request!).Text!.Split(' ')).GroupBy(parts => parts[0]).ToArray();
        Assert.Equal(2 * threads, bySender.Length);
        Assert.All(bySender, sender => Assert.Equal(Enumerable.Range(0, perSender), sender.Select(parts => int.Parse(parts[1], CultureInfo.InvariantCulture))));
    }
}
