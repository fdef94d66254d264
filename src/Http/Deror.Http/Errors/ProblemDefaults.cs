using Microsoft.AspNetCore.Http;

namespace Deror.Http.Errors;

/// <summary>
/// A detail for problems the framework answers by itself (no route, wrong method, not JSON), so every error the API
/// sends says what was wrong.
/// </summary>
internal static class ProblemDefaults
{
    public static void FillDetail(ProblemDetailsContext context)
    {
        if (!string.IsNullOrEmpty(context.ProblemDetails.Detail))
        {
            return;
        }
        var request = context.HttpContext.Request;
        context.ProblemDetails.Detail = context.ProblemDetails.Status switch
        {
            StatusCodes.Status404NotFound => $"There is nothing at {request.Path}; GET /openapi/v1.json lists the API.",
            StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on {request.Path}.",
            StatusCodes.Status415UnsupportedMediaType => $"The request body must be JSON (Content-Type: application/json), not '{request.ContentType}'.",
            _ => context.ProblemDetails.Title,
        };
    }
}
