namespace Deror.Runtime.Messaging;

/// <summary>Who this silo is in the cluster.</summary>
public interface ILocalSiloDetails
{
    SiloAddress SiloAddress { get; }

    /// <summary>Where this silo's client gateway listens.</summary>
    System.Net.IPEndPoint GatewayEndpoint { get; }

    string SiloName { get; }

    string ClusterId { get; }
}
