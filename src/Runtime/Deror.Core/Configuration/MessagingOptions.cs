using System.ComponentModel.DataAnnotations;

namespace Deror.Configuration;

/// <summary>How grain calls are sent and timed out (client and silo).</summary>
public class MessagingOptions
{
    /// <summary>How long a caller waits for a response before the call fails with a TimeoutException (Orleans default: 30 s). Methods can override it with [ResponseTimeout].</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
