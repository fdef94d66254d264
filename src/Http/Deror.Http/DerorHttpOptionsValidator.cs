using System.Net;
using Microsoft.Extensions.Options;

namespace Deror.Http;

/// <summary>Checks <see cref="DerorHttpOptions"/> at start; each failure names its setting.</summary>
internal sealed class DerorHttpOptionsValidator : IValidateOptions<DerorHttpOptions>
{
    /// <summary>Short tokens can be guessed; 16 characters of random text are not.</summary>
    public const int MinimumTokenLength = 16;

    private static readonly TimeSpan MaximumKeepAlive = TimeSpan.FromSeconds(20);

    private const string Prefix = DerorHttpOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, DerorHttpOptions options)
    {
        var failures = new List<string>();
        if (!IPAddress.TryParse(options.Address, out var address))
        {
            failures.Add($"{Prefix}{nameof(DerorHttpOptions.Address)} must be an IP address such as 127.0.0.1 or 0.0.0.0 (was '{options.Address}').");
        }
        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"{Prefix}{nameof(DerorHttpOptions.Port)} must be between 0 and 65535 (was {options.Port}).");
        }
        if (options.RequiresToken && options.Token!.Length < MinimumTokenLength)
        {
            failures.Add($"{Prefix}{nameof(DerorHttpOptions.Token)} must be at least {MinimumTokenLength} characters long.");
        }
        if (address is not null && !IPAddress.IsLoopback(address) && !options.RequiresToken)
        {
            failures.Add($"{Prefix}{nameof(DerorHttpOptions.Token)} is required when {Prefix}{nameof(DerorHttpOptions.Address)} ({address}) is not a loopback address: "
                + "every mutating call must then carry it as a bearer token.");
        }
        if (options.EventKeepAlive <= TimeSpan.Zero || options.EventKeepAlive > MaximumKeepAlive)
        {
            // The stream long-polls the event feed grain for this long; a grain call times out after 30 s by default.
            failures.Add($"{Prefix}{nameof(DerorHttpOptions.EventKeepAlive)} must be positive and at most {MaximumKeepAlive.TotalSeconds:0} seconds (was {options.EventKeepAlive}).");
        }
        if (options.MetricsRefreshInterval < TimeSpan.FromMilliseconds(100))
        {
            failures.Add($"{Prefix}{nameof(DerorHttpOptions.MetricsRefreshInterval)} must be at least 100 ms (was {options.MetricsRefreshInterval}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
