using Deror.Runtime;
using System.Net;

namespace Deror.Persistence.Tests.Conformance;

/// <summary>Silo addresses and membership entries for the clustering conformance suites.</summary>
internal static class TestSilos
{
    public static readonly DateTimeOffset Start = new(2030, 3, 4, 5, 6, 7, TimeSpan.Zero);

    public static SiloAddress Address(int port, int generation = 1000) => new(new IPEndPoint(IPAddress.Loopback, port), generation);

    public static MembershipEntry Entry(SiloAddress silo, SiloStatus status = SiloStatus.Joining) => new()
    {
        SiloAddress = silo,
        Status = status,
        SiloName = $"silo-{silo.Endpoint.Port}",
        HostName = "host-a",
        GatewayPort = 30000,
        StartTime = Start,
        IAmAliveTime = Start,
    };
}
