using System.Text;

namespace Deror.Exo;

/// <summary>
/// Reads the <c>data</c> of server-sent events. Comment lines (Exo's <c>: keep-alive</c>) are skipped, several
/// data lines of one event are joined with a newline, and a blank line ends an event.
/// </summary>
internal sealed class ServerSentEventReader(Stream stream)
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    /// <summary>The next event's data, or null at the end of the stream.</summary>
    public async ValueTask<string?> ReadDataAsync(CancellationToken cancellationToken)
    {
        StringBuilder? data = null;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    return data.ToString();
                }
                continue;
            }
            if (line[0] == ':')
            {
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            if (field != "data")
            {
                continue;
            }
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }
            data = data is null ? new StringBuilder(value) : data.Append('\n').Append(value);
        }
        return data?.ToString();
    }
}
