using System.Text.Json;
using Deror.Runtime;

namespace Deror.Persistence.Postgres;

/// <summary>Suspicion votes as a JSON array of {suspecter, time (UTC ticks)}, written and read without reflection.</summary>
internal static class SuspectVotesJson
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
                writer.WriteString("suspecter", vote.Suspecter.ToString());
                writer.WriteNumber("time", vote.Time.UtcTicks);
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
                SiloAddress.Parse(vote.GetProperty("suspecter").GetString()!),
                new DateTimeOffset(vote.GetProperty("time").GetInt64(), TimeSpan.Zero)))
            .ToArray();
    }
}
