using System.Net;
using Deror.Invocation;
using Deror.Messaging;
using Deror.Serialization;
using Xunit;

namespace Deror.Runtime.Tests.Serialization;

public class MessageSerializerTests
{
    private readonly BinaryCodec _codec = new(FakeGrainResolver.Instance);
    private readonly MessageSerializer _serializer;

    public MessageSerializerTests()
    {
        _serializer = new MessageSerializer(_codec);
        EchoRequest.Register();
    }

    private Message RoundTrip(Message message) => _serializer.Read(Encode(message));

    private byte[] Encode(Message message)
    {
        using var writer = new CodecWriter();
        _serializer.Write(message, writer);
        return writer.ToArray();
    }

    [Fact]
    public void Request_WithEveryHeaderField_RoundTrips()
    {
        var message = new Message
        {
            Id = long.MaxValue,
            Direction = MessageDirection.Request,
            TargetGrain = GrainId.Create(new GrainType("player"), "p/1"),
            TargetSilo = new SiloAddress(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 11111), 12345),
            TargetActivation = ActivationId.NewId(),
            SendingGrain = GrainId.Create(new GrainType("sys.client"), Guid.NewGuid()),
            SendingSilo = new SiloAddress(new IPEndPoint(IPAddress.Parse("fe80::1%3"), 30000), -7),
            Flags = InvokeMethodFlags.ReadOnly | InvokeMethodFlags.AlwaysInterleave,
            ExpiresAtUtcTicks = DateTime.UtcNow.Ticks,
            ForwardCount = 3,
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            TraceState = "congo=t61rcWkgMzE",
            Request = new EchoRequest { Text = "hi", Count = -4 },
        };
        var read = RoundTrip(message);
        Assert.Equal(message.Id, read.Id);
        Assert.Equal(message.Direction, read.Direction);
        Assert.Equal(message.TargetGrain, read.TargetGrain);
        Assert.Equal(message.TargetSilo, read.TargetSilo);
        Assert.Equal(message.TargetActivation, read.TargetActivation);
        Assert.Equal(message.SendingGrain, read.SendingGrain);
        Assert.Equal(message.SendingSilo, read.SendingSilo);
        Assert.Equal(3, ((IPEndPoint)read.SendingSilo!.Endpoint).Address.ScopeId);
        Assert.Equal(message.Flags, read.Flags);
        Assert.Equal(message.ExpiresAtUtcTicks, read.ExpiresAtUtcTicks);
        Assert.Equal(message.ForwardCount, read.ForwardCount);
        Assert.Equal(message.TraceParent, read.TraceParent);
        Assert.Equal(message.TraceState, read.TraceState);
        var request = Assert.IsType<EchoRequest>(read.Request);
        Assert.Equal("hi", request.Text);
        Assert.Equal(-4, request.Count);
    }

    // Decoded ids are cached by their bytes (an id is cached on its second sighting), so decode each one several times:
    // the first decode, the one that caches it and the hits must all give the same id, uniform hash included.
    [Theory]
    [InlineData("player", "p/1")]
    [InlineData("ünïcode", "ключ-🔑")]
    [InlineData("player", "")]
    [InlineData("long.key", "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789")]
    public void GrainIds_DecodeTheSame_EveryTime(string type, string key)
    {
        var target = GrainId.Create(new GrainType(type), key);
        var sender = GrainId.Create(new GrainType(type), key + "-sender");
        var payload = Encode(new Message { Direction = MessageDirection.OneWay, TargetGrain = target, SendingGrain = sender, Request = new EchoRequest() });
        for (var i = 0; i < 4; i++)
        {
            var read = _serializer.Read(payload);
            Assert.Equal(target, read.TargetGrain);
            Assert.Equal(target.GetUniformHashCode(), read.TargetGrain.GetUniformHashCode());
            Assert.Equal(sender, read.SendingGrain);
            Assert.Equal(sender.GetUniformHashCode(), read.SendingGrain!.Value.GetUniformHashCode());
        }
    }

    [Fact]
    public void InvalidGrainType_IsRejected_EveryTime()
    {
        var bytes = Encode(new Message { Direction = MessageDirection.OneWay, TargetGrain = GrainId.Create(new GrainType("t"), "k"), Request = new EchoRequest() });
        // The target id is type "t" then key "k", each behind a one-byte length prefix (length + 1); make the type "/".
        var typeOffset = bytes.AsSpan().IndexOf([(byte)2, (byte)'t', (byte)2, (byte)'k']) + 1;
        bytes[typeOffset] = (byte)'/';
        for (var i = 0; i < 3; i++)
        {
            var error = Assert.Throws<SerializationException>(() => _serializer.Read(bytes));
            Assert.Contains("Invalid grain type '/'", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void MinimalOneWay_LeavesOptionalFieldsUnset()
    {
        var read = RoundTrip(new Message
        {
            Id = -1,
            Direction = MessageDirection.OneWay,
            TargetGrain = GrainId.Create(new GrainType("t"), 5),
            Request = new EchoRequest { Text = null, Count = 0 },
        });
        Assert.Equal(MessageDirection.OneWay, read.Direction);
        Assert.Equal(-1, read.Id);
        Assert.Null(read.TargetSilo);
        Assert.Null(read.TargetActivation);
        Assert.Null(read.SendingGrain);
        Assert.Null(read.SendingSilo);
        Assert.Null(read.TraceParent);
        Assert.Null(read.TraceState);
        Assert.Equal(0, read.ExpiresAtUtcTicks);
        Assert.Equal(0, read.ForwardCount);
        Assert.Null(Assert.IsType<EchoRequest>(read.Request).Text);
    }

    [Fact]
    public void SuccessResponse_CarriesTheEncodedResult()
    {
        var request = new Message { Id = 9, SendingGrain = GrainId.Create(new GrainType("sys.client"), "c") };
        var response = request.CreateResponse(ResponseStatus.Success);
        response.Request = new EchoRequest();
        response.Result = "the result";
        var read = RoundTrip(response);
        Assert.Equal(ResponseStatus.Success, read.Status);
        Assert.Equal(request.SendingGrain, read.TargetGrain);
        var reader = new CodecReader(read.ResultPayload.Span);
        Assert.Equal("the result", new EchoRequest().ReadResult(_codec, ref reader));

        // A forwarded response passes its payload through untouched.
        var forwarded = RoundTrip(new Message { Id = 9, Direction = MessageDirection.Response, Status = ResponseStatus.Success, ResultPayload = read.ResultPayload });
        Assert.Equal(read.ResultPayload.ToArray(), forwarded.ResultPayload.ToArray());

        var voidResult = RoundTrip(new Message { Id = 10, Direction = MessageDirection.Response, Status = ResponseStatus.Success });
        Assert.True(voidResult.ResultPayload.IsEmpty);
        Assert.Equal(default, voidResult.TargetGrain);
    }

    [Theory]
    [InlineData(ResponseStatus.Error)]
    [InlineData(ResponseStatus.Rejected)]
    public void FailedResponses_CarryTheException(ResponseStatus status)
    {
        var read = RoundTrip(new Message
        {
            Id = 1,
            Direction = MessageDirection.Response,
            Status = status,
            Exception = new InvalidOperationException("nope"),
        });
        Assert.Equal(status, read.Status);
        Assert.Equal("nope", Assert.IsType<InvalidOperationException>(read.Exception).Message);
    }

    [Fact]
    public void UnknownMethodId_IsNamedInTheError()
    {
        using var writer = new CodecWriter();
        _serializer.Write(new Message { Direction = MessageDirection.Request, TargetGrain = GrainId.Create(new GrainType("t"), "k"), Request = new EchoRequest() }, writer);
        var bytes = writer.ToArray();
        // The method id follows the header; overwrite it with an id nobody registered.
        var idOffset = bytes.Length - 4 - 2;
        BitConverter.GetBytes(0xDEADBEEFu).CopyTo(bytes, idOffset);
        var error = Assert.Throws<SerializationException>(() => _serializer.Read(bytes));
        Assert.Contains("0xdeadbeef", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedMessages_ThrowSerializationException()
    {
        var bytes = Encode(new Message
        {
            Id = 77,
            Direction = MessageDirection.Request,
            TargetGrain = GrainId.Create(new GrainType("t"), "k"),
            SendingSilo = new SiloAddress(new IPEndPoint(IPAddress.Loopback, 1), 1),
            TraceParent = "tp",
            Request = new EchoRequest { Text = "x", Count = 300 },
        });
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<SerializationException>(() => _serializer.Read(bytes.AsSpan(0, length)));
        }
        Assert.Throws<SerializationException>(() => _serializer.Read([.. bytes, 0]));
        Assert.Throws<SerializationException>(() => _serializer.Read([2, .. bytes[1..]]));
        Assert.Throws<SerializationException>(() => _serializer.Read([bytes[0], 9, .. bytes[2..]]));

        var random = new Random(42);
        for (var i = 0; i < 5000; i++)
        {
            var garbage = new byte[random.Next(1, 64)];
            random.NextBytes(garbage);
            garbage[0] = MessageSerializer.FormatVersion;
            try
            {
                _serializer.Read(garbage);
            }
            catch (SerializationException)
            {
            }
        }
    }
}
