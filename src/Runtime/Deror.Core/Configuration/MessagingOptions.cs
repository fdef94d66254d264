using Microsoft.Extensions.Options;

namespace Deror.Configuration;

/// <summary>How grain calls are sent and timed out, and the limits of the TCP transport; shared by clients and silos.</summary>
public sealed class MessagingOptions
{
    /// <summary>How long a caller waits for a response before the call fails with a TimeoutException (Orleans default: 30 s). [ResponseTimeout] overrides it per method.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public const int DefaultMaxMessageSize = 16 * 1024 * 1024;

    /// <summary>The largest frame accepted or sent, in bytes. A peer sending a larger one is disconnected.</summary>
    public int MaxMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>How long establishing a TCP connection may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a new connection may take to exchange handshakes before it is dropped.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Kernel send and receive buffer size per socket, in bytes; 0 keeps the OS default.</summary>
    public int SocketBufferSize { get; set; } = 256 * 1024;

    /// <summary>
    /// Backpressure: how many requests may wait to be written on one connection (client→gateway or silo→silo).
    /// When the peer reads too slowly, further requests wait for room (their calls stay pending, and time out as
    /// usual) instead of queueing without bound. Responses and system messages are never held back by it.
    /// </summary>
    public int MaxQueuedRequestsPerConnection { get; set; } = 4096;
}

public sealed class MessagingOptionsValidator : IValidateOptions<MessagingOptions>
{
    public ValidateOptionsResult Validate(string? name, MessagingOptions options)
    {
        List<string>? failures = null;
        if (options.ResponseTimeout <= TimeSpan.Zero)
        {
            (failures ??= []).Add($"{nameof(MessagingOptions.ResponseTimeout)} must be positive (was {options.ResponseTimeout}).");
        }
        if (options.MaxMessageSize <= 0)
        {
            (failures ??= []).Add($"{nameof(MessagingOptions.MaxMessageSize)} must be positive (was {options.MaxMessageSize}).");
        }
        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            (failures ??= []).Add($"{nameof(MessagingOptions.ConnectTimeout)} must be positive (was {options.ConnectTimeout}).");
        }
        if (options.HandshakeTimeout <= TimeSpan.Zero)
        {
            (failures ??= []).Add($"{nameof(MessagingOptions.HandshakeTimeout)} must be positive (was {options.HandshakeTimeout}).");
        }
        if (options.MaxQueuedRequestsPerConnection <= 0)
        {
            (failures ??= []).Add($"{nameof(MessagingOptions.MaxQueuedRequestsPerConnection)} must be positive (was {options.MaxQueuedRequestsPerConnection}).");
        }
        if (options.SocketBufferSize < 0)
        {
            (failures ??= []).Add($"{nameof(MessagingOptions.SocketBufferSize)} cannot be negative (was {options.SocketBufferSize}).");
        }
        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>For components constructed with options directly rather than through DI.</summary>
    public static MessagingOptions EnsureValid(MessagingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new MessagingOptionsValidator().Validate(null, options);
        return result.Failed ? throw new OptionsValidationException(nameof(MessagingOptions), typeof(MessagingOptions), result.Failures) : options;
    }
}
