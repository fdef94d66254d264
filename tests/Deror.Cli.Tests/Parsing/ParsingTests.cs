using Deror.Cli.Output;
using Deror.Cli.Parsing;

namespace Deror.Cli.Tests.Parsing;

public sealed class ParsingTests
{
    [Theory]
    [InlineData("512m", 512L << 20)]
    [InlineData("2g", 2L << 30)]
    [InlineData("2G", 2L << 30)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("64k", 64L << 10)]
    [InlineData("1048576", 1048576)]
    public void Sizes_use_binary_units(string text, long bytes)
    {
        Assert.True(ByteSize.TryParse(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("-1g")]
    [InlineData("0")]
    [InlineData("12x")]
    [InlineData("99999999999t")]
    public void Bad_sizes_are_rejected(string text) => Assert.False(ByteSize.TryParse(text, out _));

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("250ms", 0.25)]
    [InlineData("00:01:00", 60)]
    public void Durations_are_read_as_people_write_them(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5")]
    [InlineData("5y")]
    [InlineData("0s")]
    [InlineData("-00:01:00")]
    public void Bad_durations_are_rejected(string text) => Assert.False(Durations.TryParse(text, out _));

    [Fact]
    public void Start_times_are_absolute_or_relative_to_now()
    {
        var now = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        Assert.True(StartTimes.TryParse("+10m", now, out var relative));
        Assert.Equal(now.AddMinutes(10), relative);
        Assert.True(StartTimes.TryParse("2030-01-02T05:00:00+02:00", now, out var absolute));
        Assert.Equal(new DateTimeOffset(2030, 1, 2, 3, 0, 0, TimeSpan.Zero), absolute);
        Assert.False(StartTimes.TryParse("+later", now, out _));
    }

    [Theory]
    [InlineData("", "abc", "abc")]
    [InlineData("abc", "abcdef", "def")]
    [InlineData("abcdef", "cdefgh", "gh")] // the kept tail slid forward: only the new end is printed
    [InlineData("abc", "abc", "")]
    [InlineData("abc", "xyz", "xyz")] // replaced (e.g. the final capture): printed whole
    public void Followed_logs_print_only_what_is_new(string before, string now, string added)
        => Assert.Equal(added, LogFollower.Added(before, now));
}
