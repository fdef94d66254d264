using Deror.Client;
using Deror.Grains;

namespace Deror.Runtime.Tests.Hosting;

/// <summary>The real silo executable: configuration, SQLite persistence across a process restart, graceful SIGTERM.</summary>
[Collection(ProcessTestsCollection.Name)]
public sealed class SiloProcessTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("deror-silo-").FullName;

    [Fact]
    public async Task Grain_state_survives_a_graceful_restart_of_the_silo_process()
    {
        var gatewayPort = FreePort.Next();
        string[] args = [$"--Deror:GatewayPort={gatewayPort}", "--Deror:SiloPort=0", $"--Deror:Storage:SqlitePath={Path.Combine(_directory, "data", "deror.db")}"];

        using (var silo = SiloProcess.Start(_directory, args))
        {
            await using (var client = await ConnectAsync(silo, gatewayPort))
            {
                Assert.Equal(1, (await client.GetGrain<IHelloGrain>("world").SayHello("test")).Count);
                Assert.Equal(2, (await client.GetGrain<IHelloGrain>("world").SayHello("test")).Count);
            }
            Assert.True(await silo.StopAsync() == 0, $"The silo did not exit cleanly on SIGTERM. Output:\n{silo.Output}");
        }

        using (var silo = SiloProcess.Start(_directory, args))
        {
            await using var client = await ConnectAsync(silo, gatewayPort);
            Assert.Equal(3, (await client.GetGrain<IHelloGrain>("world").SayHello("test")).Count);
            Assert.True(await silo.StopAsync() == 0, $"The silo did not exit cleanly on SIGTERM. Output:\n{silo.Output}");
        }
    }

    [Fact]
    public async Task An_invalid_setting_fails_the_start_with_exit_code_2_and_names_the_setting()
    {
        using var silo = SiloProcess.Start(_directory, "--Deror:GatewayPort=70000");

        Assert.Equal(2, await silo.WaitForExitAsync());
        Assert.Contains("GatewayPort", silo.StandardError, StringComparison.Ordinal);
        Assert.StartsWith("error: ", silo.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", silo.Output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<DerorClient> ConnectAsync(SiloProcess silo, int gatewayPort)
    {
        try
        {
            return await DerorClient.ConnectAsync(gateway: $"127.0.0.1:{gatewayPort}", clusterId: "local");
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"Could not connect to the silo: {e.Message}\nSilo output:\n{silo.Output}", e);
        }
    }
}
