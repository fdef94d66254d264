using System.Collections.Concurrent;
using System.Text;
using Deror.Agent.Directives;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Agent.Tests;

public sealed class LiveOutputReporterTests
{
    private readonly ConcurrentQueue<string> _sent = new();

    private LiveOutputReporter Reporter(int maxChars) => new(text =>
    {
        _sent.Enqueue(text);
        return Task.CompletedTask;
    }, TimeSpan.FromMilliseconds(20), maxChars, NullLogger.Instance);

    [Fact]
    public async Task Nothing_is_sent_before_start_and_then_output_arrives_in_batches_in_order()
    {
        await using var reporter = Reporter(1000);
        reporter.Write("one\n"u8);
        reporter.Write("two\n"u8);
        await Task.Delay(100);
        Assert.Empty(_sent);

        reporter.Start();
        await TestEnvironment.WaitUntil(() => !_sent.IsEmpty, "the first batch");
        reporter.Write("three\n"u8);
        await TestEnvironment.WaitUntil(() => string.Concat(_sent).Length == "one\ntwo\nthree\n".Length, "the second batch");

        Assert.Equal("one\ntwo\nthree\n", string.Concat(_sent));
        Assert.Equal("one\ntwo\n", _sent.First());
    }

    [Fact]
    public async Task Output_between_sends_is_bounded_to_the_newest_with_a_note()
    {
        await using var reporter = Reporter(10);
        reporter.Write(Encoding.UTF8.GetBytes(new string('a', 95) + "0123456789"));
        reporter.Start();
        await TestEnvironment.WaitUntil(() => !_sent.IsEmpty, "a batch");

        Assert.Equal("[live output: 95 characters dropped]\n0123456789", _sent.Single());
    }

    [Fact]
    public async Task A_character_split_across_writes_arrives_whole()
    {
        await using var reporter = Reporter(1000);
        var euro = "€"u8.ToArray();
        reporter.Write(euro.AsSpan(0, 1));
        reporter.Write(euro.AsSpan(1));
        reporter.Start();
        await TestEnvironment.WaitUntil(() => !_sent.IsEmpty, "a batch");

        Assert.Equal("€", string.Concat(_sent));
    }

    [Fact]
    public void Bad_settings_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LiveOutputReporter(_ => Task.CompletedTask, TimeSpan.Zero, 10, NullLogger.Instance));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LiveOutputReporter(_ => Task.CompletedTask, TimeSpan.FromSeconds(1), 0, NullLogger.Instance));
    }
}
