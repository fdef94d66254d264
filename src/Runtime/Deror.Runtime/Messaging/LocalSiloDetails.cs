using System.Net;
using Deror.Configuration;
using Deror.Runtime.Networking;
using Microsoft.Extensions.Options;

namespace Deror.Runtime.Messaging;

internal sealed class LocalSiloDetails : ILocalSiloDetails
{
    public LocalSiloDetails(IOptions<SiloOptions> options, PreboundSockets sockets, TimeProvider clock)
    {
        var o = options.Value;
        var address = o.GetAdvertisedAddress();
        // Port 0: bound now to learn the port, and kept bound until the listener takes the socket over.
        SiloAddress = new SiloAddress(o.SiloPort == 0 ? sockets.BindFreePort(address) : new IPEndPoint(address, o.SiloPort), SiloAddress.NewGeneration(clock));
        // Chosen now (not when the gateway opens, last of all) so the membership row can advertise it from the start.
        GatewayEndpoint = o.GatewayPort == 0 ? sockets.BindFreePort(address) : new IPEndPoint(address, o.GatewayPort);
        SiloName = o.SiloName;
        ClusterId = o.ClusterId;
    }

    public SiloAddress SiloAddress { get; }

    public IPEndPoint GatewayEndpoint { get; }

    public string SiloName { get; }

    public string ClusterId { get; }
}
