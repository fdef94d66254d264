using Deror.Serialization;

namespace Deror.Networking;

/// <summary>
/// Wire form of <see cref="Handshake"/>: magic, protocol version, peer kind, identity, metadata. An accepting side that
/// turns the peer down sends a refusal (the refused kind and a reason) in place of its handshake.
/// </summary>
internal static class HandshakeSerializer
{
    /// <summary>"DROR" in ASCII, read little-endian: a stray client of another protocol fails here.</summary>
    public const uint Magic = 0x524F5244;

    public const byte ProtocolVersion = 1;

    private const byte ClientPeer = 1;
    private const byte SiloPeer = 2;
    private const byte Refused = 3;

    /// <summary>Refusal reasons are for people; a bounded length keeps a refusal one small frame.</summary>
    public const int MaxRefusalReasonLength = 1024;

    public static void Write(Handshake handshake, CodecWriter writer)
    {
        writer.WriteUInt32(Magic);
        writer.WriteByte(ProtocolVersion);
        if (handshake.ClientId is { } clientId)
        {
            writer.WriteByte(ClientPeer);
            WireIdentity.WriteGrainId(writer, clientId);
        }
        else
        {
            writer.WriteByte(SiloPeer);
            WireIdentity.WriteSiloAddress(writer, handshake.Silo!);
        }
        writer.WriteVarUInt32((uint)handshake.Metadata.Count);
        foreach (var (key, value) in handshake.Metadata)
        {
            writer.WriteString(key);
            writer.WriteString(value);
        }
    }

    public static void WriteRefusal(string reason, CodecWriter writer)
    {
        writer.WriteUInt32(Magic);
        writer.WriteByte(ProtocolVersion);
        writer.WriteByte(Refused);
        writer.WriteString(reason.Length <= MaxRefusalReasonLength ? reason : reason[..MaxRefusalReasonLength]);
    }

    /// <summary>
    /// Throws <see cref="ConnectionRefusedException"/> for a refusal and <see cref="ConnectionProtocolException"/> for
    /// anything that is not a valid handshake.
    /// </summary>
    public static Handshake Read(ReadOnlySpan<byte> payload)
    {
        var reader = new CodecReader(payload);
        try
        {
            var magic = reader.ReadUInt32();
            if (magic != Magic)
            {
                throw new ConnectionProtocolException($"Bad handshake magic 0x{magic:x8}: the peer does not speak the Deror protocol.");
            }
            var version = reader.ReadByte();
            if (version != ProtocolVersion)
            {
                throw new ConnectionProtocolException($"Unsupported protocol version {version} (this side speaks {ProtocolVersion}).");
            }
            var peer = reader.ReadByte();
            GrainId? clientId = null;
            SiloAddress? silo = null;
            switch (peer)
            {
                case ClientPeer:
                    clientId = WireIdentity.ReadGrainId(ref reader);
                    break;
                case SiloPeer:
                    silo = WireIdentity.ReadSiloAddress(ref reader);
                    break;
                case Refused:
                    throw new ConnectionRefusedException(reader.ReadString() is { Length: > 0 } reason ? reason : "The peer refused the connection.");
                default:
                    throw new ConnectionProtocolException($"Unknown peer kind {peer} in handshake.");
            }
            var count = reader.ReadVarUInt32();
            // Each entry takes at least two bytes, so a count beyond that is garbage (and must not size a dictionary).
            if (count > reader.Remaining / 2)
            {
                throw new ConnectionProtocolException($"Handshake claims {count} metadata entries in {reader.Remaining} bytes.");
            }
            var metadata = new Dictionary<string, string>((int)count, StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var key = reader.ReadString() ?? throw new ConnectionProtocolException("Null metadata key in handshake.");
                metadata[key] = reader.ReadString() ?? string.Empty;
            }
            if (!reader.End)
            {
                throw new ConnectionProtocolException($"{reader.Remaining} unexpected byte(s) after the handshake.");
            }
            return clientId is { } id ? Handshake.ForClient(id, metadata) : Handshake.ForSilo(silo!, metadata);
        }
        catch (Exception e) when (e is SerializationException or ArgumentException)
        {
            throw new ConnectionProtocolException($"Malformed handshake: {e.Message}", e);
        }
    }
}
