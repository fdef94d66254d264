using System.Net;
using Microsoft.Extensions.Hosting;

namespace Deror.TestingHost;

/// <summary>One silo of an <see cref="InProcessTestCluster"/>: its host, address and gateway endpoint.</summary>
public sealed class InProcessSiloHandle(IHost host, SiloAddress siloAddress, IPEndPoint gatewayEndpoint)
{
    public IHost Host { get; } = host;

    public SiloAddress SiloAddress { get; } = siloAddress;

    public IPEndPoint GatewayEndpoint { get; } = gatewayEndpoint;

    public IServiceProvider Services => Host.Services;

    public bool IsRunning { get; internal set; } = true;

    public override string ToString() => SiloAddress.ToString();
}
