namespace Deror.Configuration;

/// <summary>
/// Who may connect to the silo's client gateway: configuration section <c>Deror:Gateway</c>
/// (e.g. <c>DEROR__GATEWAY__TOKEN</c>).
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>Short tokens can be guessed; 16 characters of random text are not.</summary>
    public const int MinimumTokenLength = 16;

    /// <summary>
    /// When set, a client must present this token in its handshake (the client's <c>Token</c> option), or its connection
    /// is refused with the reason. Required when the silo's <c>AdvertisedIPAddress</c> (where the gateway listens) is not
    /// loopback.
    /// </summary>
    public string? Token { get; set; }

    internal bool RequiresToken => !string.IsNullOrEmpty(Token);
}
