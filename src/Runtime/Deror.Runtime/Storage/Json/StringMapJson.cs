using System.Collections.ObjectModel;
using System.Text.Json;

namespace Deror.Runtime.Storage;

/// <summary>A string dictionary (job or silo metadata) as a flat JSON object of strings, written and read without reflection.</summary>
public static class StringMapJson
{
    public static string Serialize(IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in metadata)
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
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            metadata[property.Name] = property.Value.GetString()!;
        }
        return new ReadOnlyDictionary<string, string>(metadata);
    }
}
