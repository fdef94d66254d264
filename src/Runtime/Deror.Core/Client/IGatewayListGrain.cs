namespace Deror.Client;

/// <summary>
/// A system grain every silo serves locally: the gateways of the cluster's active silos, as this silo sees them.
/// Clients poll it to stop using gateways of silos declared dead (a hung silo keeps its TCP connections open) and to
/// discover gateways they were not configured with.
/// </summary>
public interface IGatewayListGrain : IGrainWithStringKey
{
    /// <summary>The well-known key; the grain is a stateless worker, so any key works.</summary>
    const string Key = "gateways";

    /// <summary>Gateways as <c>ip:port</c>.</summary>
    Task<IReadOnlyList<string>> GetGateways();
}
