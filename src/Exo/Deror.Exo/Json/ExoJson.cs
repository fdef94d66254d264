using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deror.Exo.Json;

/// <summary>
/// Serializer settings for Exo's JSON. Exo's internal types (everything under <c>/state</c>) are camelCase; its
/// OpenAI-shaped API types are snake_case and carry explicit property names, so one set of options reads both.
/// </summary>
public static class ExoJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
