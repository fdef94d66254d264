using Deror.Exo.Api;
using Deror.Exo.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Deror.Exo.Simulator.Api;

/// <summary>Errors in Exo's shape: <c>{"error": {"message", "type", "param", "code"}}</c>, type being the status's reason phrase.</summary>
internal static class ExoErrors
{
    public static IResult Create(int status, string message) =>
        Results.Json(new ExoErrorResponse(new ExoError(message, ReasonPhrases.GetReasonPhrase(status), null, status)), ExoJson.Options, statusCode: status);

    public static IResult NotFound(string message) => Create(StatusCodes.Status404NotFound, message);

    public static IResult BadRequest(string message) => Create(StatusCodes.Status400BadRequest, message);

    public static Task WriteAsync(HttpContext context, int status, string message) => Create(status, message).ExecuteAsync(context);
}
