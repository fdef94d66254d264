using Deror.Client;
using Deror.Grains;
using Deror.Networking;
using Deror.Runtime.Tests.Hosting;

namespace Deror.Runtime.Tests.Gateway;

/// <summary>The real silo executable with a gateway token: clients without the right token are refused with the reason, the silo lives on.</summary>
[Collection(ProcessTestsCollection.Name)]
public sealed class GatewayTokenTests : IDisposable
{
    private const string Token = "correct-horse-battery-staple";

    private readonly string _directory = Directory.CreateTempSubdirectory("deror-token-").FullName;

    [Fact]
    public async Task A_gateway_with_a_token_refuses_clients_without_it_and_serves_those_with_it()
    {
        var gatewayPort = FreePort.Next();
        using var silo = SiloProcess.Start(_directory, Arguments(gatewayPort, $"--Deror:Gateway:Token={Token}"));
        await using (var client = await ConnectAsync(silo, gatewayPort, Token))
        {
            Assert.Equal(1, (await client.GetGrain<IHelloGrain>("world").SayHello("test")).Count);
        }

        var started = DateTime.UtcNow;
        var missing = await Assert.ThrowsAsync<ConnectionRefusedException>(() => Connect(gatewayPort, token: null));
        Assert.Contains("requires a token", missing.Message, StringComparison.Ordinal);
        var wrong = await Assert.ThrowsAsync<ConnectionRefusedException>(() => Connect(gatewayPort, token: "not-the-token-at-all"));
        Assert.Contains("does not match", wrong.Message, StringComparison.Ordinal);
        // A refusal is final: the client does not spend its connect timeout retrying.
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), $"Refusals took {DateTime.UtcNow - started}.");

        await using (var client = await ConnectAsync(silo, gatewayPort, Token))
        {
            Assert.Equal(2, (await client.GetGrain<IHelloGrain>("world").SayHello("test")).Count);
        }
        Assert.True(await silo.StopAsync() == 0, $"The silo did not exit cleanly. Output:\n{silo.Output}");
    }

    [Fact]
    public async Task The_shared_Deror_Token_guards_the_gateway_too()
    {
        var gatewayPort = FreePort.Next();
        using var silo = SiloProcess.Start(_directory, Arguments(gatewayPort, $"--Deror:Token={Token}"));
        await using (var client = await ConnectAsync(silo, gatewayPort, Token))
        {
            Assert.Equal(1, (await client.GetGrain<IHelloGrain>("shared").SayHello("test")).Count);
        }
        await Assert.ThrowsAsync<ConnectionRefusedException>(() => Connect(gatewayPort, token: null));
    }

    [Fact]
    public async Task A_silo_advertised_beyond_loopback_without_a_token_refuses_to_start()
    {
        using var silo = SiloProcess.Start(_directory, Arguments(FreePort.Next(), "--Deror:AdvertisedIPAddress=192.0.2.10"));

        Assert.Equal(2, await silo.WaitForExitAsync());
        Assert.StartsWith("error: ", silo.StandardError, StringComparison.Ordinal);
        Assert.Contains("Deror:Gateway:Token is required", silo.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_short_token_is_refused_at_start()
    {
        using var silo = SiloProcess.Start(_directory, Arguments(FreePort.Next(), "--Deror:Gateway:Token=short"));

        Assert.Equal(2, await silo.WaitForExitAsync());
        Assert.Contains("Deror:Gateway:Token must be at least 16 characters", silo.StandardError, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string[] Arguments(int gatewayPort, string extra)
        => [$"--Deror:GatewayPort={gatewayPort}", "--Deror:SiloPort=0", $"--Deror:Storage:SqlitePath={Path.Combine(_directory, "data", "deror.db")}", extra];

    private static Task<DerorClient> Connect(int gatewayPort, string? token)
        => DerorClient.ConnectAsync(new DerorClientSettings { Gateways = { $"127.0.0.1:{gatewayPort}" }, ClusterId = "local", Token = token });

    private static async Task<DerorClient> ConnectAsync(SiloProcess silo, int gatewayPort, string token)
    {
        try
        {
            return await Connect(gatewayPort, token);
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"Could not connect to the silo: {e.Message}\nSilo output:\n{silo.Output}", e);
        }
    }
}
