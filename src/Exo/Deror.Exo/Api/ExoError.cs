using System.Text.Json.Serialization;

namespace Deror.Exo.Api;

/// <summary>Exo's error body: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
public sealed record ExoErrorResponse([property: JsonPropertyName("error")] ExoError Error);

public sealed record ExoError(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonPropertyName("code")] int Code);
