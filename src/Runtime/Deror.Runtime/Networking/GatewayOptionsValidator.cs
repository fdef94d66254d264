using System.Net;
using Deror.Configuration;
using Microsoft.Extensions.Options;

namespace Deror.Runtime.Networking;

/// <summary>Checks <see cref="GatewayOptions"/> at start: a gateway reachable beyond loopback must have a token.</summary>
internal sealed class GatewayOptionsValidator(IOptions<SiloOptions> silo) : IValidateOptions<GatewayOptions>
{
    private const string Prefix = "Deror:Gateway:";

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        if (options.RequiresToken && options.Token!.Length < GatewayOptions.MinimumTokenLength)
        {
            failures.Add($"{Prefix}{nameof(GatewayOptions.Token)} must be at least {GatewayOptions.MinimumTokenLength} characters long.");
        }
        // An unparsable address is SiloOptions' failure to report; here only a parsed, non-loopback one matters.
        if (IPAddress.TryParse(silo.Value.AdvertisedIPAddress, out var address) && !IPAddress.IsLoopback(address) && !options.RequiresToken)
        {
            failures.Add($"{Prefix}{nameof(GatewayOptions.Token)} is required when Deror:{nameof(SiloOptions.AdvertisedIPAddress)} ({address}) is not a loopback address: "
                + "the gateway listens there, and every client must then present the token.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
