using Deror.Messaging;

namespace Deror.Networking;

/// <summary>
/// The first frame each side of a connection sends: who it is (a client id or a silo address) and metadata the
/// runtime fills in (a silo sends its grain-interface → grain-type manifest there).
/// </summary>
public sealed class Handshake
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>(0);

    private Handshake(GrainId? clientId, SiloAddress? silo, IReadOnlyDictionary<string, string>? metadata)
    {
        ClientId = clientId;
        Silo = silo;
        Metadata = metadata ?? NoMetadata;
    }

    /// <summary>Set when the peer is a client.</summary>
    public GrainId? ClientId { get; }

    /// <summary>Set when the peer is a silo.</summary>
    public SiloAddress? Silo { get; }

    public bool IsClient => ClientId is not null;

    public IReadOnlyDictionary<string, string> Metadata { get; }


    public static Handshake ForClient(GrainId clientId, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (clientId.IsDefault || !SystemGrainTypes.IsClient(clientId))
        {
            throw new ArgumentException($"A client id must have grain type '{SystemGrainTypes.Client}' (was '{clientId}').", nameof(clientId));
        }
        return new Handshake(clientId, null, metadata);
    }

    public static Handshake ForSilo(SiloAddress silo, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return new Handshake(null, silo, metadata);
    }

    public override string ToString() => IsClient ? $"client {ClientId}" : $"silo {Silo}";
}
