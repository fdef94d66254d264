using System.Net.Sockets;
using System.Net;
using Deror.Configuration;
using Microsoft.Extensions.Options;

namespace Deror.Runtime.Messaging;

internal sealed class LocalSiloDetails : ILocalSiloDetails
{
    public LocalSiloDetails(IOptions<SiloOptions> options, TimeProvider clock)
    {
        var o = options.Value;
        var address = o.GetAdvertisedAddress();
        SiloAddress = new SiloAddress(new IPEndPoint(address, o.SiloPort == 0 ? FindFreePort(address) : o.SiloPort), SiloAddress.NewGeneration(clock));
        // Chosen now (not when the gateway opens, last of all) so the membership row can advertise it from the start.
        GatewayEndpoint = new IPEndPoint(address, o.GatewayPort == 0 ? FindFreePort(address) : o.GatewayPort);
        SiloName = o.SiloName;
        ClusterId = o.ClusterId;
    }

    public SiloAddress SiloAddress { get; }

    public IPEndPoint GatewayEndpoint { get; }

    public string SiloName { get; }

    public string ClusterId { get; }

    private static int FindFreePort(IPAddress address)
    {
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
