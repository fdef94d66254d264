using System.Globalization;

namespace Deror.Cli.Parsing;

/// <summary>Durations as people write them: <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>250ms</c>, or a .NET time span (<c>00:05:00</c>).</summary>
public static class Durations
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var value = text.Trim().ToLowerInvariant();
        if (value.Length == 0)
        {
            return false;
        }
        if (value.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out duration) && duration > TimeSpan.Zero;
        }
        var position = 0;
        while (position < value.Length)
        {
            var start = position;
            while (position < value.Length && (char.IsAsciiDigit(value[position]) || value[position] == '.'))
            {
                position++;
            }
            var unitStart = position;
            while (position < value.Length && char.IsAsciiLetter(value[position]))
            {
                position++;
            }
            if (start == unitStart || !double.TryParse(value.AsSpan(start, unitStart - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }
            TimeSpan? part = value[unitStart..position] switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                "h" => TimeSpan.FromHours(number),
                "d" => TimeSpan.FromDays(number),
                _ => null,
            };
            if (part is not { } parsed)
            {
                return false;
            }
            duration += parsed;
        }
        return duration > TimeSpan.Zero;
    }

    /// <summary>Compact form for tables: <c>45s</c>, <c>3m12s</c>, <c>2h5m</c>, <c>4d3h</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }
        return duration.TotalSeconds < 60 ? $"{(int)duration.TotalSeconds}s"
            : duration.TotalMinutes < 60 ? $"{duration.Minutes}m{duration.Seconds}s"
            : duration.TotalHours < 24 ? $"{(int)duration.TotalHours}h{duration.Minutes}m"
            : $"{(int)duration.TotalDays}d{duration.Hours}h";
    }
}
