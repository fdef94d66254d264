using System.Collections.ObjectModel;
using System.Text;
using System.Text.Json;
using Deror.Runtime;

namespace Deror.Persistence.Redis;

/// <summary>A membership row (entry and etag) as one JSON object, the value of the silo's field in the membership hash; written and read without reflection.</summary>
internal static class MembershipRowJson
{
    public static string Serialize(MembershipEntry entry, string etag)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("etag", etag);
            writer.WriteString("silo", entry.SiloAddress.ToString());
            writer.WriteNumber("status", (int)entry.Status);
            writer.WriteString("siloName", entry.SiloName);
            writer.WriteString("hostName", entry.HostName);
            writer.WriteNumber("gatewayPort", entry.GatewayPort);
            writer.WriteNumber("startTime", entry.StartTime.UtcTicks);
            writer.WriteNumber("iAmAliveTime", entry.IAmAliveTime.UtcTicks);
            writer.WriteStartArray("suspectVotes");
            foreach (var vote in entry.SuspectVotes)
            {
                writer.WriteStartObject();
                writer.WriteString("suspecter", vote.Suspecter.ToString());
                writer.WriteNumber("time", vote.Time.UtcTicks);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartObject("metadata");
            foreach (var (key, value) in entry.Metadata)
            {
                writer.WriteString(key, value);
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static MembershipRow Deserialize(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var entry = new MembershipEntry
        {
            SiloAddress = SiloAddress.Parse(root.GetProperty("silo").GetString()!),
            Status = (SiloStatus)root.GetProperty("status").GetInt32(),
            SiloName = root.GetProperty("siloName").GetString()!,
            HostName = root.GetProperty("hostName").GetString()!,
            GatewayPort = root.GetProperty("gatewayPort").GetInt32(),
            StartTime = Utc(root.GetProperty("startTime")),
            IAmAliveTime = Utc(root.GetProperty("iAmAliveTime")),
            SuspectVotes = root.GetProperty("suspectVotes").EnumerateArray()
                .Select(vote => new SuspectVote(SiloAddress.Parse(vote.GetProperty("suspecter").GetString()!), Utc(vote.GetProperty("time"))))
                .ToList()
                .AsReadOnly(),
            Metadata = new ReadOnlyDictionary<string, string>(root.GetProperty("metadata").EnumerateObject()
                .ToDictionary(property => property.Name, property => property.Value.GetString()!, StringComparer.Ordinal)),
        };
        return new MembershipRow(entry, root.GetProperty("etag").GetString()!);
    }

    /// <summary>The IAmAlive time is the one field that changes without a new etag; replace it in the stored JSON.</summary>
    public static string WithIAmAlive(string json, DateTimeOffset iAmAliveTime)
    {
        var row = Deserialize(json);
        return Serialize(row.Entry with { IAmAliveTime = iAmAliveTime }, row.ETag);
    }

    private static DateTimeOffset Utc(JsonElement ticks) => new(ticks.GetInt64(), TimeSpan.Zero);
}
