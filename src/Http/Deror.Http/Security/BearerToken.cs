using System.Security.Cryptography;
using System.Text;

namespace Deror.Http.Security;

/// <summary>Compares a presented bearer token with the configured one in constant time.</summary>
internal sealed class BearerToken(string expected)
{
    // Hashing first makes both sides the same length, so the comparison time reveals neither content nor length.
    private readonly byte[] _expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(expected));

    public bool Matches(string? presented)
        => presented is not null && CryptographicOperations.FixedTimeEquals(_expectedHash, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));

    /// <summary>The token of an <c>Authorization: Bearer &lt;token&gt;</c> header value; null for any other scheme.</summary>
    public static string? FromHeader(string? authorization)
    {
        const string Scheme = "Bearer ";
        return authorization is not null && authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            ? authorization[Scheme.Length..].Trim()
            : null;
    }
}
