using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Http.Security;

/// <summary>
/// Lets a mutating call (anything but GET, HEAD, OPTIONS, TRACE) through only with the configured bearer token. Reads
/// stay open: the dashboard and probes need no secret, and they change nothing.
/// </summary>
internal sealed partial class BearerTokenMiddleware(RequestDelegate next, IOptions<DerorHttpOptions> options, IProblemDetailsService problems, ILogger<BearerTokenMiddleware> logger)
{
    private readonly BearerToken? _token = options.Value.RequiresToken ? new BearerToken(options.Value.Token!) : null;

    public async Task InvokeAsync(HttpContext context)
    {
        var method = context.Request.Method;
        if (_token is null || HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        var presented = BearerToken.FromHeader(context.Request.Headers.Authorization);
        if (_token.Matches(presented))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        LogRejected(logger, method, context.Request.Path, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"deror\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = presented is null
                    ? "This call changes the cluster and needs 'Authorization: Bearer <token>' with the silo's configured token (Deror:Http:Token)."
                    : "The bearer token does not match the silo's configured token (Deror:Http:Token).",
            },
        }).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected {Method} {Path} from {Remote}: missing or wrong bearer token")]
    private static partial void LogRejected(ILogger logger, string method, PathString path, string remote);
}
