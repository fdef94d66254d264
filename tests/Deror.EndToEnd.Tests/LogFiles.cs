namespace Deror.EndToEnd.Tests;

internal static class LogFiles
{
    /// <summary>The last <paramref name="lines"/> lines of a log another process writes, for failure messages.</summary>
    public static string Tail(string path, int lines)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all[Math.Max(0, all.Length - lines)..]);
        }
        catch (IOException e)
        {
            return $"({path}: {e.Message})";
        }
    }

    /// <summary>How many lines of the log contain <paramref name="text"/>.</summary>
    public static int CountLines(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var count = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                count++;
            }
        }
        return count;
    }
}
