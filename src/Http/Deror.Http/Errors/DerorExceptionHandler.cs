using System.Text.Json;
using Deror.Grains;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Deror.Http.Errors;

/// <summary>
/// Turns what a call can throw into <c>application/problem+json</c>: bad input (unreadable JSON, unknown fields,
/// wrong types, invalid specs) is 400, unknown tasks and nodes 404, an operation the current state forbids 409, a
/// grain call that timed out 504. Anything else is a 500 whose detail hides internals (they are logged).
/// </summary>
internal sealed partial class DerorExceptionHandler(IProblemDetailsService problems, ILogger<DerorExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = Describe(exception);
        if (status == StatusCodes.Status500InternalServerError)
        {
            LogUnexpected(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).ConfigureAwait(false);
    }

    internal static (int Status, string Title, string Detail) Describe(Exception exception) => exception switch
    {
        BadHttpRequestException bad => (bad.StatusCode, "Bad request", DescribeBadRequest(bad)),
        InvalidSpecException e => (StatusCodes.Status400BadRequest, "Invalid request", e.Message),
        ArgumentException e => (StatusCodes.Status400BadRequest, "Invalid request", e.Message),
        TaskNotFoundException e => (StatusCodes.Status404NotFound, "Task not found", e.Message),
        NodeNotFoundException e => (StatusCodes.Status404NotFound, "Node not found", e.Message),
        InvalidStateException e => (StatusCodes.Status409Conflict, "Conflict", e.Message),
        TimeoutException e => (StatusCodes.Status504GatewayTimeout, "Timed out", e.Message),
        _ => (StatusCodes.Status500InternalServerError, "Internal error", "The silo failed to handle the request; its log has the details."),
    };

    /// <summary>The binder's message says which parameter failed; the JSON reader's says where in the body and why.</summary>
    private static string DescribeBadRequest(BadHttpRequestException exception) => exception.InnerException switch
    {
        JsonException json => $"The request body is not valid: {json.Message}",
        { } inner => $"{exception.Message} {inner.Message}",
        null => exception.Message,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, PathString path);
}
