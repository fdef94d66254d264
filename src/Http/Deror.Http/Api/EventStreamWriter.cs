using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;

namespace Deror.Http.Api;

/// <summary>The text/event-stream wire format: fields, comments and blank-line-terminated events.</summary>
internal sealed class EventStreamWriter(PipeWriter output)
{
    public void WriteRetry(TimeSpan delay) => Write($"retry: {(long)delay.TotalMilliseconds}\n\n");

    /// <summary>A comment line: ignored by clients, but it keeps proxies from closing an idle connection.</summary>
    public void WriteComment(string text) => Write($": {text}\n\n");

    /// <summary>
    /// One lifecycle event: <c>id</c> = sequence, <c>event</c> = its type, <c>data</c> = one line of JSON with the
    /// record's own JSON under <c>data</c>.
    /// </summary>
    public void WriteEvent(EventRecord record)
    {
        Write($"id: {record.Sequence.ToString(CultureInfo.InvariantCulture)}\nevent: {record.Type}\ndata: ");
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteNumber("sequence", record.Sequence);
            json.WriteString("type", record.Type);
            json.WriteString("subject", record.Subject);
            json.WriteString("timestamp", record.Timestamp);
            json.WritePropertyName("data");
            json.WriteRawValue(record.Data);
            json.WriteEndObject();
        }
        Write("\n\n");
    }

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);

    private void Write(string text) => output.Write(Encoding.UTF8.GetBytes(text));
}
