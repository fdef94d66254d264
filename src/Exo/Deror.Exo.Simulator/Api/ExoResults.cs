using System.Text.Json;
using Deror.Exo.Api;
using Deror.Exo.Json;
using Deror.Exo.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Deror.Exo.Simulator.Api;

/// <summary>Responses in Exo's shapes. Errors: <c>{"error": {"message", "type", "param", "code"}}</c>, type being the status's reason phrase.</summary>
internal static class ExoResults
{
    public static IResult Create(int status, string message) =>
        Results.Json(new ExoErrorResponse(new ExoError(message, ReasonPhrases.GetReasonPhrase(status), null, status)), ExoJson.Options, statusCode: status);

    public static IResult NotFound(string message) => Create(StatusCodes.Status404NotFound, message);

    public static IResult BadRequest(string message) => Create(StatusCodes.Status400BadRequest, message);

    /// <summary>
    /// An instance as Exo writes it, tagged. Results.Json would serialize the runtime type (MlxRingInstance) and skip
    /// the union's converter, so the declared union type is serialized here.
    /// </summary>
    public static IResult Tagged(ExoInstance instance) =>
        Results.Text(JsonSerializer.Serialize(instance, ExoJson.Options), "application/json");

    public static Task WriteAsync(HttpContext context, int status, string message) => Create(status, message).ExecuteAsync(context);
}
