namespace Deror;

/// <summary>A client connected to a Deror cluster through its gateways. Use it as the grain factory.</summary>
public interface IClusterClient : IGrainFactory
{
    /// <summary>Whether at least one gateway connection is up.</summary>
    bool IsConnected { get; }
}
