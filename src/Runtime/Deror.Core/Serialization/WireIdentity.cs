using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Deror.Serialization;

/// <summary>The wire form of grain ids and silo addresses, shared by the codec and the message serializer.</summary>
internal static class WireIdentity
{
    private const int MaxPort = 65535;

    /// <summary>Type and key as two strings; the default id is written as two nulls.</summary>
    public static void WriteGrainId(CodecWriter writer, GrainId id)
    {
        writer.WriteString(id.IsDefault ? null : id.Type.Value);
        writer.WriteString(id.Key);
    }

    public static GrainId ReadGrainId(ref CodecReader reader)
    {
        var type = reader.ReadLengthPrefixed(out var typeIsNull);
        var key = reader.ReadLengthPrefixed(out var keyIsNull);
        if (typeIsNull && keyIsNull)
        {
            return default;
        }
        if (typeIsNull || keyIsNull)
        {
            throw new SerializationException($"Malformed grain id ending at offset {reader.Position}: type or key missing.");
        }
        try
        {
            return GrainIdCache.Get(type, key);
        }
        catch (ArgumentException e)
        {
            throw new SerializationException($"Invalid grain type '{Encoding.UTF8.GetString(type)}': {e.Message}", e);
        }
    }

    public static void WriteSiloAddress(CodecWriter writer, SiloAddress silo)
    {
        var address = silo.Endpoint.Address;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        writer.WriteLengthPrefixed(bytes[..length]);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            writer.WriteVarUInt64((ulong)address.ScopeId);
        }
        writer.WriteVarUInt32((uint)silo.Endpoint.Port);
        writer.WriteVarInt64(silo.Generation);
    }

    public static SiloAddress ReadSiloAddress(ref CodecReader reader)
    {
        var bytes = reader.ReadLengthPrefixed(out var isNull);
        if (isNull || (bytes.Length != 4 && bytes.Length != 16))
        {
            throw new SerializationException($"Malformed silo address ending at offset {reader.Position}: {bytes.Length}-byte IP address.");
        }
        var address = bytes.Length == 4 ? new IPAddress(bytes) : new IPAddress(bytes, (long)reader.ReadVarUInt64());
        var port = (int)VarInts.ReadUnsigned(ref reader, MaxPort, "port");
        var generation = VarInts.ReadSigned(ref reader, long.MinValue, long.MaxValue, "silo generation");
        return new SiloAddress(new IPEndPoint(address, port), generation);
    }
}
