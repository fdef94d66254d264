using System.CommandLine.Parsing;

namespace Deror.Cli.Parsing;

/// <summary>Custom parsers for options, so a bad value is a parse error (exit 2) naming the option and the expected form.</summary>
internal static class OptionParsers
{
    public static TimeSpan Duration(ArgumentResult result) => Parse<TimeSpan>(result, Durations.TryParse, "a duration (e.g. 30s, 5m, 1h30m)");

    public static long Bytes(ArgumentResult result) => Parse<long>(result, ByteSize.TryParse, "a size (e.g. 512m, 2g)");

    public static DateTimeOffset StartTime(ArgumentResult result)
        => Parse(result, (string text, out DateTimeOffset at) => StartTimes.TryParse(text, DateTimeOffset.UtcNow, out at), "a time (ISO 8601, e.g. 2030-01-02T03:04:05Z) or +duration (e.g. +10m)");

    private delegate bool TryParse<T>(string text, out T value);

    private static T Parse<T>(ArgumentResult result, TryParse<T> tryParse, string expected)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (tryParse(text, out var value))
        {
            return value;
        }
        result.AddError($"{SymbolName(result)}: '{text}' is not {expected}.");
        return default!;
    }

    private static string SymbolName(ArgumentResult result)
        => result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
}
