using Deror.Runtime;
using System.Text.Json;

namespace Deror.Runtime.Storage;

/// <summary>Suspect votes as a JSON array of <c>{"silo": "ip:port:generation", "ticks": utcTicks}</c>, written and read without reflection.</summary>
public static class SuspectVotesJson
{
    public static string Serialize(IReadOnlyList<SuspectVote> votes)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var vote in votes)
            {
                writer.WriteStartObject();
                writer.WriteString("silo", vote.Suspecter.ToString());
                writer.WriteNumber("ticks", vote.Time.UtcTicks);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static IReadOnlyList<SuspectVote> Deserialize(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Select(vote => new SuspectVote(
                SiloAddress.Parse(vote.GetProperty("silo").GetString()!),
                new DateTimeOffset(vote.GetProperty("ticks").GetInt64(), TimeSpan.Zero)))
            .ToArray();
    }
}
