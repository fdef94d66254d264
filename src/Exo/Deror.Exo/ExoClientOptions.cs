namespace Deror.Exo;

/// <summary>
/// Where the Exo API is and how long each kind of call may take. Exo's mutating calls can block during a master
/// election with no server-side timeout, so every call has a client-side one; each method also takes its own.
/// </summary>
public sealed class ExoClientOptions
{
    /// <summary>Exo's API (default port 52415).</summary>
    public Uri BaseAddress { get; set; } = new("http://127.0.0.1:52415/");

    /// <summary>Reads: <c>/node_id</c>, <c>/state</c>, <c>/models</c>, placements and instances.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Mutating calls (place, create, delete, cancel), which wait out elections.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A whole non-streaming chat completion.</summary>
    public TimeSpan ChatTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest silence allowed in a streamed completion (Exo's keep-alive comments count as activity).</summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (BaseAddress is null || !BaseAddress.IsAbsoluteUri || (BaseAddress.Scheme != Uri.UriSchemeHttp && BaseAddress.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"ExoClientOptions.BaseAddress must be an absolute http(s) URI; got '{BaseAddress}'.", nameof(BaseAddress));
        }
        RequirePositive(ReadTimeout, nameof(ReadTimeout));
        RequirePositive(CommandTimeout, nameof(CommandTimeout));
        RequirePositive(ChatTimeout, nameof(ChatTimeout));
        RequirePositive(StreamIdleTimeout, nameof(StreamIdleTimeout));
    }

    internal static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"{name} must be greater than zero; got {value}.", name);
        }
    }
}
