using System.Net;

namespace Deror.Docker;

/// <summary>The engine answered a call with an error status; <see cref="EngineMessage"/> is what it said.</summary>
public class DockerApiException : DockerException
{
    public DockerApiException(string operation, HttpStatusCode statusCode, string engineMessage)
        : this(operation, statusCode, engineMessage, $"Docker {operation} failed with {(int)statusCode} {statusCode}: {engineMessage}")
    {
    }

    protected DockerApiException(string operation, HttpStatusCode statusCode, string engineMessage, string message)
        : base(message)
    {
        Operation = operation;
        StatusCode = statusCode;
        EngineMessage = engineMessage;
    }

    /// <summary>What the client was doing, e.g. <c>create container</c>.</summary>
    public string Operation { get; }

    public HttpStatusCode StatusCode { get; }

    public string EngineMessage { get; }
}
