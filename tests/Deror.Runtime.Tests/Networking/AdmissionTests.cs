using System.Net;
using Deror.Configuration;
using Deror.Messaging;
using Deror.Networking;
using Deror.Runtime.Tests.Serialization;
using Deror.Serialization;
using Xunit;

namespace Deror.Runtime.Tests.Networking;

/// <summary>A listener that judges handshakes, over real loopback sockets: refused peers learn why, admitted ones work.</summary>
public sealed class AdmissionTests : IAsyncLifetime
{
    private static readonly SiloAddress ServerSilo = new(new IPEndPoint(IPAddress.Loopback, 40001), 18);
    private static readonly GrainId TestGrainId = GrainId.Create(new GrainType("test"), "echo");

    private readonly MessagingOptions _options = new();
    private readonly MessageSerializer _serializer = new(new BinaryCodec(FakeGrainResolver.Instance));
    private readonly CapturingLogger _serverLog = new();
    private readonly EchoServerHandler _server = new();
    private readonly ConnectionListener _listener;

    public AdmissionTests()
    {
        EchoRequest.Register();
        _listener = new ConnectionListener(new IPEndPoint(IPAddress.Loopback, 0), Handshake.ForSilo(ServerSilo), _serializer, _server, _options, _serverLog)
        {
            Admission = remote => remote.Metadata.TryGetValue("password", out var password) && password == "open sesame" ? null : "say the password",
        };
    }

    public Task InitializeAsync()
    {
        _listener.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _listener.StopAsync();

    [Fact]
    public async Task A_refused_peer_gets_the_reason_and_the_listener_keeps_serving_admitted_peers()
    {
        var refused = await Assert.ThrowsAsync<ConnectionRefusedException>(() => ConnectAsync(new CallerHandler(), password: "wrong"));
        Assert.Equal("say the password", refused.Reason);
        Assert.Contains(_listener.LocalEndPoint.ToString(), refused.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Connected);

        var caller = new CallerHandler();
        using var connection = await ConnectAsync(caller, password: "open sesame");
        var response = await caller.Call(connection, new Message
        {
            Direction = MessageDirection.Request,
            TargetGrain = TestGrainId,
            Request = new EchoRequest { Text = "hello", Count = 5 },
        });
        Assert.Equal(ResponseStatus.Success, response.Status);
    }

    [Fact]
    public async Task A_refusal_arrives_even_when_many_peers_are_refused_at_once()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            try
            {
                using var connection = await ConnectAsync(new CallerHandler(), password: null);
                return "admitted";
            }
            catch (ConnectionRefusedException e)
            {
                return e.Reason;
            }
        }));
        Assert.All(attempts, reason => Assert.Equal("say the password", reason));
    }

    private Task<Connection> ConnectAsync(CallerHandler handler, string? password)
    {
        var metadata = password is null ? null : new Dictionary<string, string> { ["password"] = password };
        return new Connector(Handshake.ForClient(SystemGrainTypes.NewClientId(), metadata), _serializer, handler, _options, new CapturingLogger())
            .ConnectAsync(_listener.LocalEndPoint);
    }
}
