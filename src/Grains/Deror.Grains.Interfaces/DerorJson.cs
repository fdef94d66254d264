using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deror.Grains;

/// <summary>
/// The JSON shape of the domain's records wherever they leave .NET: event data, the HTTP API, the CLI's
/// <c>--json</c>, PyHost. camelCase names, enums as their names.
/// </summary>
public static class DerorJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            Converters = { new JsonStringEnumConverter() },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
