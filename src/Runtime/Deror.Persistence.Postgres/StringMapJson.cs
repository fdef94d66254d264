using System.Collections.ObjectModel;
using System.Text.Json;

namespace Deror.Persistence.Postgres;

/// <summary>A string-to-string map (job or silo metadata) as a flat JSON object, written and read without reflection.</summary>
internal static class StringMapJson
{
    public static string Serialize(IReadOnlyDictionary<string, string> map)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in map)
            {
                writer.WriteString(key, value);
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static IReadOnlyDictionary<string, string> Deserialize(string json)
    {
        using var document = JsonDocument.Parse(json);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            map[property.Name] = property.Value.GetString()!;
        }
        return new ReadOnlyDictionary<string, string>(map);
    }
}
