using System.Collections.Concurrent;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Net;
using Deror.Configuration;
using Deror.Messaging;
using Deror.Networking;
using Deror.Runtime.Tests.Serialization;
using Deror.Serialization;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Deror.Runtime.Tests.Networking;

public sealed class TransportTests : IAsyncLifetime
{
    private const int MaxMessageSize = 1024 * 1024;

    private static readonly SiloAddress ServerSilo = new(new IPEndPoint(IPAddress.Loopback, 40000), 17);

    private readonly MessagingOptions _options = new() { MaxMessageSize = MaxMessageSize };
    private readonly MessageSerializer _serializer = new(new BinaryCodec(FakeGrainResolver.Instance));
    private readonly CapturingLogger _serverLog = new();
    private readonly CapturingLogger _clientLog = new();
    private readonly EchoServerHandler _server = new();
    private readonly ConnectionListener _listener;

    public TransportTests()
    {
        EchoRequest.Register();
        var metadata = new Dictionary<string, string> { ["manifest"] = "ITestGrain=test" };
        _listener = new ConnectionListener(new IPEndPoint(IPAddress.Loopback, 0), Handshake.ForSilo(ServerSilo, metadata), _serializer, _server, _options, _serverLog);
    }

    public Task InitializeAsync()
    {
        _listener.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _listener.StopAsync();

    [Fact]
    public async Task ConcurrentRequests_OverOneConnection_AreMatchedByCorrelationId()
    {
        var caller = new CallerHandler();
        var clientId = SystemGrainTypes.NewClientId();
        using var connection = await ConnectAsync(caller, clientId);
        Assert.Equal(ServerSilo, connection.RemoteHandshake.Silo);
        Assert.Equal("ITestGrain=test", connection.RemoteHandshake.Metadata["manifest"]);
        // The server side finishes its handshake independently of the client's ConnectAsync returning.
        var accepted = await Eventually.Returns(() => Task.FromResult(_server.Connected.ToArray()), c => c.Length == 1, TimeSpan.FromSeconds(5), "the server to register the connection");
        Assert.Equal(clientId, accepted[0].RemoteHandshake.ClientId);

        var calls = Enumerable.Range(0, 4000)
            .Select(i => Task.Run(() => caller.Call(connection, NewEcho($"call {i}"))))
            .ToArray();
        var responses = await Task.WhenAll(calls);
        for (var i = 0; i < responses.Length; i++)
        {
            Assert.Equal(ResponseStatus.Success, responses[i].Status);
            Assert.Equal($"call {i}", DecodeText(responses[i]));
        }
    }

    [Fact]
    public async Task Messages_of_one_sender_arrive_in_order_whichever_thread_writes_them()
    {
        var caller = new CallerHandler();
        using var connection = await ConnectAsync(caller);

        // Threads outside the pool (which write themselves when the writer is idle) and pool threads (which hand the
        // writing to a pool work item) send at once.
        const int PerSender = 500;
        var calls = new ConcurrentBag<Task<Message>>();
        await MixedSenders.RunAsync(3, PerSender, (sender, i) => calls.Add(caller.Call(connection, NewEcho($"{sender} {i}"))));

        var answers = await Task.WhenAll(calls);
        Assert.Equal(6 * PerSender, answers.Length);
        Assert.All(answers, a => Assert.Equal(ResponseStatus.Success, a.Status));
        MixedSenders.AssertEachInOrder(_server.Received, 3, PerSender);
    }

    [Fact]
    public async Task LargeMessages_CrossSegmentBoundaries()
    {
        var caller = new CallerHandler();
        using var connection = await ConnectAsync(caller);
        var text = new string('z', 300_000);
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => caller.Call(connection, NewEcho(text))));
        Assert.All(responses, response => Assert.Equal(text, DecodeText(response)));
    }

    public static TheoryData<string, byte[], string> BadFrames => new()
    {
        { "oversized length", Frame(MaxMessageSize + 1, []), "Invalid frame length" },
        { "negative length", Frame(-5, []), "Invalid frame length" },
        { "zero length", Frame(0, []), "Invalid frame length" },
        { "truncated frame", Frame(100, new byte[10]), "in the middle of a frame" },
        { "garbage payload", Frame(5, [MessageSerializer.FormatVersion, 9, 9, 9, 9]), "Invalid message direction 9" },
        { "wrong message version", Frame(3, [99, 1, 1]), "Unsupported message format version 99" },
    };

    [Theory]
    [MemberData(nameof(BadFrames))]
    public async Task BadFrame_ClosesOnlyThatConnection(string _, byte[] frame, string expectedReason)
    {
        var caller = new CallerHandler();
        using var healthy = await ConnectAsync(caller);
        using var raw = await ConnectRawAsync();

        await raw.SendAsync(frame);
        // A truncated frame is only detectable once the peer stops sending.
        raw.Shutdown(SocketShutdown.Send);

        await AssertClosedByPeerAsync(raw);
        var logged = await _serverLog.WaitForAsync(e => e.Message.Contains(expectedReason, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.Equal("still here", DecodeText(await caller.Call(healthy, NewEcho("still here"))));
        Assert.False(healthy.IsClosed);
    }

    [Theory]
    [InlineData(0x12345678u, HandshakeSerializer.ProtocolVersion, "Bad handshake magic")]
    [InlineData(HandshakeSerializer.Magic, (byte)99, "Unsupported protocol version 99")]
    public async Task BadHandshake_IsRejectedWithALoggedReason(uint magic, byte version, string expectedReason)
    {
        var caller = new CallerHandler();
        using var healthy = await ConnectAsync(caller);
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await raw.ConnectAsync(_listener.LocalEndPoint);

        var payload = new byte[5];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, magic);
        payload[4] = version;
        await raw.SendAsync(Frame(payload.Length, payload));

        await AssertClosedByPeerAsync(raw);
        var logged = await _serverLog.WaitForAsync(e => e.Message.Contains(expectedReason, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.Equal("ok", DecodeText(await caller.Call(healthy, NewEcho("ok"))));
    }

    [Fact]
    public async Task UnencodableMessage_IsReportedAndTheConnectionKeepsWorking()
    {
        var caller = new CallerHandler();
        using var connection = await ConnectAsync(caller);
        var broken = new Message { Direction = MessageDirection.Request, TargetGrain = TestGrainId, Request = new UnencodableRequest() };

        var failure = await Assert.ThrowsAsync<SerializationException>(() => caller.Call(connection, broken));
        Assert.Contains("System.Action", failure.Message, StringComparison.Ordinal);
        Assert.Equal("after", DecodeText(await caller.Call(connection, NewEcho("after"))));
    }

    [Fact]
    public async Task SendAfterClose_ReportsTheMessageAsUnsent()
    {
        var caller = new CallerHandler();
        var connection = await ConnectAsync(caller);
        connection.Dispose();
        await connection.Closed;
        Assert.Null(await caller.ClosedReason.Task);

        var failure = await Assert.ThrowsAsync<DerorMessageDeliveryException>(() => caller.Call(connection, NewEcho("late")));
        Assert.Contains("closed", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoppingTheListener_ClosesConnections_AndTellsTheOtherSide()
    {
        var caller = new CallerHandler();
        using var connection = await ConnectAsync(caller);
        Assert.Equal("x", DecodeText(await caller.Call(connection, NewEcho("x"))));

        await _listener.StopAsync();

        var reason = await caller.ClosedReason.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.IsType<DerorMessageDeliveryException>(reason);
        await connection.Closed;
        Assert.Empty(_listener.Connections);
        await Assert.ThrowsAsync<DerorMessageDeliveryException>(() => caller.Call(connection, NewEcho("gone")));
    }

    [Fact]
    public async Task QueuedMessages_AreReportedWhenTheConnectionDies()
    {
        // A peer that handshakes and then never reads: the sender's queue backs up behind full socket buffers.
        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        stalled.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        stalled.Listen();
        var accepting = stalled.AcceptAsync();
        var caller = new CallerHandler();
        var connecting = new Connector(Handshake.ForClient(SystemGrainTypes.NewClientId()), _serializer, caller, _options, _clientLog)
            .ConnectAsync(stalled.LocalEndPoint!);
        using var peer = await accepting;
        using (var handshake = new CodecWriter())
        {
            HandshakeSerializer.Write(Handshake.ForSilo(ServerSilo), handshake);
            await peer.SendAsync(Frame(handshake.Length, handshake.ToArray()));
        }
        using var connection = await connecting;

        var calls = Enumerable.Range(0, 200).Select(_ => caller.Call(connection, NewEcho(new string('q', 100_000)))).ToArray();
        connection.Dispose();

        foreach (var call in calls)
        {
            await Assert.ThrowsAsync<DerorMessageDeliveryException>(() => call);
        }
        await connection.Closed;
        Assert.NotEmpty(caller.SendFailures);
        Assert.Equal(caller.SendFailures.Count, caller.SendFailures.Select(f => f.Message.Id).Distinct().Count());
    }

    [Fact]
    public async Task ConnectingToANonListeningPort_ThrowsDeliveryException()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var unusedEndpoint = (IPEndPoint)probe.LocalEndPoint!;
        var connector = new Connector(Handshake.ForClient(SystemGrainTypes.NewClientId()), _serializer, new CallerHandler(), _options, _clientLog);
        await Assert.ThrowsAsync<DerorMessageDeliveryException>(() => connector.ConnectAsync(unusedEndpoint));
    }

    [Fact]
    public void Options_AreValidated()
    {
        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => new Connector(Handshake.ForClient(SystemGrainTypes.NewClientId()), _serializer, new CallerHandler(), new MessagingOptions { MaxMessageSize = 0 }, _clientLog));
        Assert.Throws<ArgumentException>(() => Handshake.ForClient(GrainId.Create(new GrainType("player"), "x")));
    }

    private static readonly GrainId TestGrainId = GrainId.Create(new GrainType("test"), "echo");

    private static Message NewEcho(string text) => new()
    {
        Direction = MessageDirection.Request,
        TargetGrain = TestGrainId,
        Request = new EchoRequest { Text = text, Count = text.Length },
    };

    private string? DecodeText(Message response)
    {
        var reader = new CodecReader(response.ResultPayload.Span);
        return (string?)new EchoRequest().ReadResult(new BinaryCodec(FakeGrainResolver.Instance), ref reader);
    }

    private Task<Connection> ConnectAsync(CallerHandler handler, GrainId? clientId = null)
        => new Connector(Handshake.ForClient(clientId ?? SystemGrainTypes.NewClientId()), _serializer, handler, _options, _clientLog)
            .ConnectAsync(_listener.LocalEndPoint);

    /// <summary>A socket that completed a valid client handshake, for sending hand-made frames.</summary>
    private async Task<Socket> ConnectRawAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(_listener.LocalEndPoint);
        using var handshake = new CodecWriter();
        HandshakeSerializer.Write(Handshake.ForClient(SystemGrainTypes.NewClientId()), handshake);
        await socket.SendAsync(Frame(handshake.Length, handshake.ToArray()));
        // Wait for the server's handshake, so the bad frame is judged by an established connection.
        var header = new byte[Framing.HeaderSize];
        await socket.ReceiveAsync(header, SocketFlags.None);
        var remaining = BinaryPrimitives.ReadInt32LittleEndian(header);
        var body = new byte[remaining];
        while (remaining > 0)
        {
            remaining -= await socket.ReceiveAsync(body.AsMemory(body.Length - remaining), SocketFlags.None);
        }
        return socket;
    }

    private static async Task AssertClosedByPeerAsync(Socket socket)
    {
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
                // Drain anything sent before the close (e.g. the server's handshake).
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // A reset is a close too.
        }
    }

    private static byte[] Frame(int declaredLength, byte[] payload)
    {
        var frame = new byte[Framing.HeaderSize + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, declaredLength);
        payload.CopyTo(frame, Framing.HeaderSize);
        return frame;
    }
}
