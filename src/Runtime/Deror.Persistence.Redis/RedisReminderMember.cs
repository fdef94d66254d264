using System.Globalization;

namespace Deror.Persistence.Redis;

/// <summary>
/// A reminder's member in the service's lexicographic sorted set: <c>hash8hex:grainIdLength:grainId:name</c>. The hash
/// prefix makes a ring range a lexicographic range; the length prefix keeps a grain id containing ':' unambiguous.
/// </summary>
internal static class RedisReminderMember
{
    public static string Format(GrainId grainId, string reminderName)
    {
        var grain = grainId.ToString();
        return $"{RedisLexRange.Hex(grainId.GetUniformHashCode())}:{grain.Length.ToString(CultureInfo.InvariantCulture)}:{grain}:{reminderName}";
    }

    public static (GrainId GrainId, string ReminderName) Parse(string member)
    {
        var lengthEnd = member.IndexOf(':', 9);
        var length = int.Parse(member.AsSpan(9, lengthEnd - 9), NumberStyles.None, CultureInfo.InvariantCulture);
        var grain = member.Substring(lengthEnd + 1, length);
        return (GrainId.Parse(grain), member[(lengthEnd + 1 + length + 1)..]);
    }
}
