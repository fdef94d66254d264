using System.Net;

namespace Deror.Exo;

/// <summary>Any failure of a call to Exo. The subtypes tell "down" from "hung" from "answered with an error".</summary>
public abstract class ExoException : Exception
{
    protected ExoException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>Exo answered with an error status; <see cref="ExoMessage"/> is its own explanation.</summary>
public sealed class ExoApiException(HttpStatusCode statusCode, string exoMessage, string? errorType, string request)
    : ExoException($"{request} failed with {(int)statusCode} {statusCode}: {exoMessage}")
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>The <c>error.message</c> of Exo's error body (or the raw body if it had another shape).</summary>
    public string ExoMessage { get; } = exoMessage;

    /// <summary>The <c>error.type</c> of Exo's error body, e.g. "Not Found".</summary>
    public string? ErrorType { get; } = errorType;
}

/// <summary>Exo could not be reached: connection refused or reset, unknown host. The process is likely down.</summary>
public class ExoUnavailableException : ExoException
{
    public ExoUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>Exo accepted the call but did not answer in time: hung, stopped (SIGSTOP), or blocked in an election.</summary>
public sealed class ExoTimeoutException(string message, TimeSpan timeout, Exception? innerException = null)
    : ExoUnavailableException(message, innerException)
{
    public TimeSpan Timeout { get; } = timeout;
}

/// <summary>Exo answered success with a body this client cannot read.</summary>
public sealed class ExoProtocolException(string message, Exception? innerException = null) : ExoException(message, innerException);
