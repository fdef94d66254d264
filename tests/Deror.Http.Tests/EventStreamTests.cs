using System.Net;
using System.Text.Json;
using Deror.Grains;

namespace Deror.Http.Tests;

/// <summary>GET /api/events: the lifecycle log as server-sent events, live and resumable.</summary>
public sealed class EventStreamTests : IAsyncLifetime
{
    private ApiSilo _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = await ApiSilo.StartAsync(new Dictionary<string, string?> { ["Deror:Http:EventKeepAlive"] = "00:00:00.300" });
        await _silo.AddHealthyNodeAsync("node-1");
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task The_stream_replays_the_log_then_follows_new_events_live()
    {
        using var stream = await SseStream.OpenAsync(_silo.Http, "/api/events");
        Assert.Equal("text/event-stream", stream.ContentType);

        // The node joining is already in the log.
        var joined = await stream.NextEventAsync(e => e.Type == "node");
        Assert.Equal("node-1", joined.Data.GetProperty("node").GetString());

        var task = await _silo.Manager.SubmitAsync(TaskSpecs.Process("live", "true"));
        var completed = await stream.NextEventAsync(e => e.Type == "task" && e.Data.GetProperty("to").GetString() == "Completed");
        Assert.Equal(task.Id, completed.Data.GetProperty("task").GetProperty("id").GetString());
        Assert.Equal(task.Id, completed.Subject);
        Assert.True(completed.Id > joined.Id);
    }

    [Fact]
    public async Task Last_event_id_and_after_resume_after_that_sequence()
    {
        var first = await _silo.Manager.SubmitAsync(TaskSpecs.Process("first", "true"));
        await first.WaitAsync(TimeSpan.FromSeconds(15));
        long lastSeen;
        using (var stream = await SseStream.OpenAsync(_silo.Http, "/api/events"))
        {
            lastSeen = (await stream.NextEventAsync(e => e.Type == "task" && e.Subject == first.Id && e.Data.GetProperty("to").GetString() == "Completed")).Id;
        }
        var second = await _silo.Manager.SubmitAsync(TaskSpecs.Process("second", "true"));
        await second.WaitAsync(TimeSpan.FromSeconds(15));

        foreach (var (path, header) in new[] { ("/api/events", (string?)lastSeen.ToString()), ($"/api/events?after={lastSeen}", null) })
        {
            using var resumed = await SseStream.OpenAsync(_silo.Http, path, header);
            var next = await resumed.NextEventAsync(_ => true);
            Assert.Equal(lastSeen + 1, next.Id);
            var ofSecond = await resumed.NextEventAsync(e => e.Subject == second.Id);
            Assert.Equal("task", ofSecond.Type);
            Assert.DoesNotContain(resumed.Seen, e => e.Subject == first.Id);
        }
    }

    [Fact]
    public async Task An_idle_stream_sends_keep_alive_comments()
    {
        using var stream = await SseStream.OpenAsync(_silo.Http, "/api/events?after=1000000");
        await stream.NextCommentAsync("keep-alive");
    }

    [Theory]
    [InlineData("/api/events?after=soon", null, "after")]
    [InlineData("/api/events?after=-3", null, "after")]
    [InlineData("/api/events", "yesterday", "Last-Event-ID")]
    public async Task A_bad_resume_position_is_a_400_problem(string path, string? lastEventId, string mentions)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        await Problems.AssertAsync(await _silo.Http.SendAsync(request), HttpStatusCode.BadRequest, mentions);
    }
}

/// <summary>A minimal text/event-stream reader over a real HTTP response.</summary>
internal sealed class SseStream : IDisposable
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(15);

    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly CancellationTokenSource _timeout = new();

    private SseStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public string? ContentType => _response.Content.Headers.ContentType?.MediaType;

    public List<SseEvent> Seen { get; } = [];

    public static async Task<SseStream> OpenAsync(HttpClient http, string path, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new SseStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    public async Task<SseEvent> NextEventAsync(Func<SseEvent, bool> match)
    {
        while (true)
        {
            var block = await NextBlockAsync();
            if (block.Event is { } e)
            {
                Seen.Add(e);
                if (match(e))
                {
                    return e;
                }
            }
        }
    }

    public async Task NextCommentAsync(string text)
    {
        while ((await NextBlockAsync()).Comment != text)
        {
        }
    }

    /// <summary>Reads up to the next blank line: an event (id, event, data lines) or a comment.</summary>
    private async Task<(SseEvent? Event, string? Comment)> NextBlockAsync()
    {
        _timeout.CancelAfter(WaitLimit);
        long? id = null;
        string? type = null, data = null, comment = null;
        while (true)
        {
            string? line;
            try
            {
                line = await _reader.ReadLineAsync(_timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching server-sent event within {WaitLimit}; saw {Seen.Count} events.");
            }
            Assert.NotNull(line);
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    var json = JsonDocument.Parse(data).RootElement;
                    Assert.Equal(id, json.GetProperty("sequence").GetInt64());
                    Assert.Equal(type, json.GetProperty("type").GetString());
                    return (new SseEvent(id!.Value, type!, json.GetProperty("subject").GetString()!, json.GetProperty("data")), null);
                }
                if (comment is not null)
                {
                    return (null, comment);
                }
                continue;
            }
            if (line.StartsWith(": ", StringComparison.Ordinal))
            {
                comment = line[2..];
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
        _timeout.Dispose();
    }
}

internal sealed record SseEvent(long Id, string Type, string Subject, JsonElement Data);
