using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Deror.Hosting;
using Deror.Runtime.Tests.Grains;
using Deror.TestingHost;

namespace Deror.Runtime.Tests.Gateway;

/// <summary>Misbehaving peers and lost silos, seen from a real client talking to real silos over TCP.</summary>
public sealed class GatewayResilienceTests
{
    [Theory]
    [InlineData("oversized length")]
    [InlineData("negative length")]
    [InlineData("garbage handshake")]
    [InlineData("truncated frame")]
    public async Task A_bad_peer_is_disconnected_and_the_silo_keeps_serving_its_clients(string attack)
    {
        await using var cluster = await InProcessTestCluster.StartAsync();
        var grain = cluster.GrainFactory.GetGrain<ICallGrain>("survivor");
        Assert.Equal("before", await grain.Echo("before"));

        using var rogue = new TcpClient();
        await rogue.ConnectAsync(cluster.Primary.GatewayEndpoint);
        var stream = rogue.GetStream();
        var frame = new byte[64];
        switch (attack)
        {
            case "oversized length":
                BinaryPrimitives.WriteInt32LittleEndian(frame, int.MaxValue);
                break;
            case "negative length":
                BinaryPrimitives.WriteInt32LittleEndian(frame, -5);
                break;
            case "garbage handshake":
                BinaryPrimitives.WriteInt32LittleEndian(frame, 60);
                Random.Shared.NextBytes(frame.AsSpan(4));
                break;
            case "truncated frame":
                BinaryPrimitives.WriteInt32LittleEndian(frame, 1000);
                break;
        }
        await stream.WriteAsync(frame);
        if (attack == "truncated frame")
        {
            rogue.Client.Shutdown(SocketShutdown.Send);
        }

        // The silo closes the rogue connection: reading reaches end of stream (or a reset).
        var closed = await ReadUntilClosedAsync(stream).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(closed);
        Assert.Equal("after", await grain.Echo("after"));
    }

    [Fact]
    public async Task A_client_reconnects_when_its_silo_comes_back_on_the_same_gateway()
    {
        var port = FreePort();
        await using var cluster = await InProcessTestCluster.StartAsync(o => o.ConfigureSilo(silo => silo.Configure(s => s.GatewayPort = port)));
        var client = cluster.Client;
        var grain = client.GetGrain<ICallGrain>("reconnect");
        Assert.Equal("up", await grain.Echo("up"));

        await cluster.StopSiloAsync(cluster.Primary);
        await Eventually.Returns(() => Task.FromResult(client.IsConnected), connected => !connected, TimeSpan.FromSeconds(10), "the client to notice the lost gateway");
        await Assert.ThrowsAsync<DerorMessageDeliveryException>(() => grain.Echo("down"));
        await cluster.StartSiloAsync();

        await Eventually.Returns(() => Task.FromResult(client.IsConnected), connected => connected, TimeSpan.FromSeconds(15), "the client to reconnect");
        Assert.Equal("back", await grain.Echo("back"));
    }

    [Fact]
    public async Task Calls_fail_over_to_the_remaining_gateway_when_one_silo_stops()
    {
        await using var cluster = await InProcessTestCluster.StartAsync(silos: 2);
        var grain = cluster.GrainFactory.GetGrain<ICallGrain>("failover");
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => grain.Add(i, 1)));

        await cluster.StopSiloAsync(cluster.Silos[0]);
        await Eventually.Returns(() => Task.FromResult(cluster.Silos[0].IsRunning), running => !running, TimeSpan.FromSeconds(5), "the first silo to stop");
        var results = await Eventually.Returns(
            async () => await Task.WhenAll(Enumerable.Range(0, 20).Select(async i => await grain.Add(i, 1).ContinueWith(t => t.IsCompletedSuccessfully))),
            all => all.All(ok => ok),
            TimeSpan.FromSeconds(10),
            "every call to succeed through the remaining gateway");

        Assert.All(results, Assert.True);
    }

    private static async Task<bool> ReadUntilClosedAsync(NetworkStream stream)
    {
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        }
        catch (IOException)
        {
        }
        return true;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
