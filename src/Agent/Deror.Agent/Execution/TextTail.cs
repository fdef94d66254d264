namespace Deror.Agent.Execution;

/// <summary>What is new in a bounded tail of output read again: the two reads overlap unless the output outran the bound.</summary>
internal static class TextTail
{
    /// <summary>Enough of the previous read to find it again in the next, however the bound shifted it.</summary>
    private const int AnchorLength = 256;

    /// <summary>The part of <paramref name="now"/> after what <paramref name="before"/> already held.</summary>
    public static string Added(string before, string now)
    {
        if (now.StartsWith(before, StringComparison.Ordinal))
        {
            return now[before.Length..];
        }
        // The start was cut off: find where the previous read ended; if it has scrolled out entirely, all of it is new.
        var anchor = before[^Math.Min(AnchorLength, before.Length)..];
        var at = now.LastIndexOf(anchor, StringComparison.Ordinal);
        return at < 0 ? now : now[(at + anchor.Length)..];
    }
}
