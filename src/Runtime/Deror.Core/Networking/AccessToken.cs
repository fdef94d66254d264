using System.Security.Cryptography;
using System.Text;

namespace Deror.Networking;

/// <summary>
/// The shared secret a client presents in its handshake metadata and a gateway that has one configured checks.
/// </summary>
public static class AccessToken
{
    public const string MetadataKey = "token";

    public static string? Read(IReadOnlyDictionary<string, string> metadata)
        => metadata.TryGetValue(MetadataKey, out var token) && token.Length > 0 ? token : null;

    /// <summary>Constant-time comparison: hashing first makes both sides one length, so timing reveals neither content nor length.</summary>
    public static bool Matches(string expected, string? presented)
        => presented is not null
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}
