namespace Deror.Runtime.Messaging;

/// <summary>Who this silo is in the cluster.</summary>
public interface ILocalSiloDetails
{
    SiloAddress SiloAddress { get; }

    string SiloName { get; }

    string ClusterId { get; }
}
