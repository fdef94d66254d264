using System.Globalization;

namespace Deror.Cli.Parsing;

/// <summary>When to start a deferred task: an ISO 8601 time (<c>2030-01-02T03:04:05Z</c>) or <c>+</c> a duration from now (<c>+10m</c>).</summary>
public static class StartTimes
{
    public static bool TryParse(string text, DateTimeOffset now, out DateTimeOffset at)
    {
        var value = text.Trim();
        if (value.StartsWith('+'))
        {
            var parsed = Durations.TryParse(value[1..], out var delay);
            at = now + delay;
            return parsed;
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
    }
}
