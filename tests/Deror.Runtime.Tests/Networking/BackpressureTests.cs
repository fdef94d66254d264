using System.Collections.Concurrent;
using System.Net;
using Deror.Configuration;
using Deror.Messaging;
using Deror.Networking;
using Deror.Runtime.Tests.Serialization;
using Deror.Serialization;

namespace Deror.Runtime.Tests.Networking;

/// <summary>
/// A peer that stops reading: the sender's queue stays within its bound (further requests wait for room instead
/// of piling up), responses overtake the waiting requests, and every call completes once the peer reads again.
/// </summary>
public sealed class BackpressureTests : IAsyncLifetime
{
    private const int QueueLimit = 32;
    private const int Calls = 2000;

    private static readonly SiloAddress ServerSilo = new(new IPEndPoint(IPAddress.Loopback, 40001), 1);
    private static readonly GrainId Target = GrainId.Create(new GrainType("test"), "slow");

    // Small kernel buffers so a reader that stops makes the sender's socket full after a few hundred KB.
    private readonly MessagingOptions _options = new() { MaxQueuedRequestsPerConnection = QueueLimit, SocketBufferSize = 16 * 1024 };
    private readonly MessageSerializer _serializer = new(new BinaryCodec(FakeGrainResolver.Instance));
    private readonly GatedEchoHandler _server = new();
    private readonly ConnectionListener _listener;

    public BackpressureTests()
    {
        EchoRequest.Register();
        _listener = new ConnectionListener(new IPEndPoint(IPAddress.Loopback, 0), Handshake.ForSilo(ServerSilo), _serializer, _server, _options, new CapturingLogger());
    }

    public Task InitializeAsync()
    {
        _listener.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _server.Gate.Set();
        await _listener.StopAsync();
    }

    [Fact]
    public async Task A_peer_that_stops_reading_bounds_the_queue_and_every_call_completes_when_it_reads_again()
    {
        var caller = new CallerHandler();
        using var connection = await ConnectAsync(caller);
        var text = new string('x', 1024);

        // 2000 calls of 1 KB (2 MB) against a peer that reads the first one and then stops reading.
        var calls = Enumerable.Range(0, Calls).Select(_ => caller.Call(connection, NewEcho(text))).ToArray();
        await Eventually.Returns(() => Task.FromResult(connection.RequestsWaitingForRoom), n => n > 0, TimeSpan.FromSeconds(10), "requests to wait for room");
        var maxQueued = connection.QueuedRequests;
        var waiting = connection.RequestsWaitingForRoom;

        // A response sent now must not queue behind the requests: it is written before every waiting request.
        var response = new Message { Id = -1, Direction = MessageDirection.Response, TargetGrain = Target, Status = ResponseStatus.Success, Request = new EchoRequest(), Result = "answer" };
        connection.Send(response);
        Assert.All(calls, c => Assert.False(c.IsCompleted));
        maxQueued = Math.Max(maxQueued, connection.QueuedRequests);

        _server.Gate.Set();
        var answers = await Task.WhenAll(calls);

        Assert.Equal(QueueLimit, maxQueued);
        Assert.True(waiting >= Calls / 2, $"only {waiting} of {Calls} requests waited for room: the queue was not what held them back");
        Assert.All(answers, a => Assert.Equal(ResponseStatus.Success, a.Status));
        Assert.Equal(0, connection.QueuedRequests);
        Assert.Equal(0, connection.RequestsWaitingForRoom);
        var received = _server.Received.ToArray();
        var requestsBeforeResponse = Array.FindIndex(received, m => m.Direction == MessageDirection.Response);
        Assert.True(requestsBeforeResponse >= 0, "the response never arrived");
        Assert.True(requestsBeforeResponse <= Calls - waiting, $"{requestsBeforeResponse} requests arrived before the response, which was sent while {waiting} waited for room");
    }

    [Fact]
    public async Task Senders_outside_the_thread_pool_never_block_on_a_peer_that_stops_reading()
    {
        var caller = new CallerHandler();
        using var connection = await ConnectAsync(caller);
        var text = new string('y', 1024);

        // Such senders write on their own thread when the writer is idle; the socket fills after a few hundred KB.
        var calls = new ConcurrentBag<Task<Message>>();
        var senders = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            for (var i = 0; i < Calls / 2; i++)
            {
                calls.Add(caller.Call(connection, NewEcho(text)));
            }
        })).ToArray();
        foreach (var sender in senders)
        {
            sender.Start();
        }
        Assert.All(senders, sender => Assert.True(sender.Join(TimeSpan.FromSeconds(10)), "a sender blocked while the peer did not read"));
        Assert.True(connection.QueuedRequests <= QueueLimit);
        Assert.All(calls, c => Assert.False(c.IsCompleted));

        _server.Gate.Set();
        var answers = await Task.WhenAll(calls);
        Assert.Equal(Calls, answers.Length);
        Assert.All(answers, a => Assert.Equal(ResponseStatus.Success, a.Status));
    }

    [Fact]
    public async Task Requests_that_wait_for_room_are_written_in_the_order_they_were_sent()
    {
        var caller = new CallerHandler();
        using var connection = await ConnectAsync(caller);
        var text = new string('z', 1024);

        // Against a peer that stopped reading, most of these wait for room; pool threads and others send at once.
        const int PerSender = 300;
        var calls = new ConcurrentBag<Task<Message>>();
        await MixedSenders.RunAsync(2, PerSender, (sender, i) => calls.Add(caller.Call(connection, NewEcho($"{sender} {i} {text}"))));
        Assert.True(connection.RequestsWaitingForRoom > 0, "no request waited for room: the test did not reach the queue bound");

        _server.Gate.Set();
        var answers = await Task.WhenAll(calls);
        Assert.All(answers, a => Assert.Equal(ResponseStatus.Success, a.Status));
        MixedSenders.AssertEachInOrder(_server.Received, 2, PerSender);
    }

    [Fact]
    public void The_queue_bound_is_validated()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => MessagingOptionsValidator.EnsureValid(new MessagingOptions { MaxQueuedRequestsPerConnection = 0 }));
        Assert.Contains("MaxQueuedRequestsPerConnection", error.Message, StringComparison.Ordinal);
    }

    private Task<Connection> ConnectAsync(CallerHandler caller)
        => new Connector(Handshake.ForClient(SystemGrainTypes.NewClientId()), _serializer, caller, _options, new CapturingLogger())
            .ConnectAsync(_listener.LocalEndPoint);

    private static Message NewEcho(string text) => new()
    {
        Direction = MessageDirection.Request,
        TargetGrain = Target,
        Request = new EchoRequest { Text = text, Count = text.Length },
    };

    /// <summary>Holds its reader loop on the first message until <see cref="Gate"/> opens, then echoes requests.</summary>
    private sealed class GatedEchoHandler : IMessageHandler
    {
        public ManualResetEventSlim Gate { get; } = new();

        public ConcurrentQueue<Message> Received { get; } = new();

        public void OnConnected(Connection connection)
        {
        }

        public void OnMessage(Message message, Connection connection)
        {
            // Blocking the reader loop stops this side reading the socket: the sender's writes back up.
            Gate.Wait(TimeSpan.FromSeconds(30));
            Received.Enqueue(message);
            if (message.Direction != MessageDirection.Request)
            {
                return;
            }
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
}
