using System.Text;
using Microsoft.Extensions.Options;

namespace Deror.Docker;

/// <summary>Checks <see cref="DockerClientOptions"/> when the options system builds them and when a client is created directly.</summary>
internal sealed class DockerClientOptionsValidator : IValidateOptions<DockerClientOptions>
{
    // sun_path holds 108 bytes on Linux, one of them the terminating zero.
    private const int MaxSocketPathBytes = 107;

    public ValidateOptionsResult Validate(string? name, DockerClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.SocketPath) || !Path.IsPathRooted(options.SocketPath))
        {
            failures.Add($"{nameof(DockerClientOptions)}.{nameof(DockerClientOptions.SocketPath)} must be an absolute path to the engine's unix socket (e.g. '{DockerClientOptions.DefaultSocketPath}'), not '{options.SocketPath}'.");
        }
        else if (Encoding.UTF8.GetByteCount(options.SocketPath) > MaxSocketPathBytes)
        {
            failures.Add($"{nameof(DockerClientOptions)}.{nameof(DockerClientOptions.SocketPath)} '{options.SocketPath}' is longer than the {MaxSocketPathBytes} bytes a unix socket path may have.");
        }
        if (options.ApiVersion is not null
            && !(DockerApiVersion.TryParse(options.ApiVersion, out var version) && version >= DockerApiVersion.Minimum && version <= DockerApiVersion.Maximum))
        {
            failures.Add($"{nameof(DockerClientOptions)}.{nameof(DockerClientOptions.ApiVersion)} '{options.ApiVersion}' must be a version from {DockerApiVersion.Minimum} to {DockerApiVersion.Maximum}, or unset to negotiate.");
        }
        if (options.RequestTimeout <= TimeSpan.Zero || options.RequestTimeout.TotalMilliseconds > int.MaxValue)
        {
            failures.Add($"{nameof(DockerClientOptions)}.{nameof(DockerClientOptions.RequestTimeout)} must be positive and under 24 days, not {options.RequestTimeout}.");
        }
        if (options.MaxLogBytes <= 0)
        {
            failures.Add($"{nameof(DockerClientOptions)}.{nameof(DockerClientOptions.MaxLogBytes)} must be positive, not {options.MaxLogBytes}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> for options that did not come through the options system.</summary>
    public static void ThrowIfInvalid(DockerClientOptions options)
    {
        var result = new DockerClientOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(DockerClientOptions), result.Failures);
        }
    }
}
