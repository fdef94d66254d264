using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deror.PyHost.Cluster;

/// <summary>
/// How .NET values cross to Python as JSON: snake_case names (<c>GreetingCount</c> → <c>greeting_count</c>),
/// enums as snake_case strings, names matched case-insensitively on the way in.
/// </summary>
internal static class PythonJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>A method or parameter name in the form Python callers may write it: <c>say_hello</c>, <c>SayHello</c>, <c>sayhello</c>.</summary>
    public static string Normalize(string name) => name.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
}
