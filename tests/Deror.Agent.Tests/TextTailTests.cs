using Deror.Agent.Execution;

namespace Deror.Agent.Tests;

public sealed class TextTailTests
{
    [Theory]
    [InlineData("", "abc", "abc")]
    [InlineData("abc", "abc", "")]
    [InlineData("abc", "abcdef", "def")]
    [InlineData("abc", "xyz", "xyz")] // the previous read scrolled out entirely
    public void Added_is_what_the_new_read_holds_beyond_the_previous_one(string before, string now, string added)
        => Assert.Equal(added, TextTail.Added(before, now));

    [Fact]
    public void When_the_bound_cut_the_start_off_the_end_of_the_previous_read_is_found_again()
    {
        var before = new string('a', 100) + new string('b', 300);
        var now = new string('b', 300) + "new";

        Assert.Equal("new", TextTail.Added(before, now));
    }
}
