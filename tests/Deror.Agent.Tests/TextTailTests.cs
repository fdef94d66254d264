using Deror.Agent.Execution;

namespace Deror.Agent.Tests;

public sealed class TextTailTests
{
    [Theory]
    [InlineData("", "abc", "abc")]
    [InlineData("abc", "abc", "")]
    [InlineData("abc", "abcdef", "def")]
    [InlineData("abcdef", "cdefgh", "gh")] // the bound cut the start off
    [InlineData("abc", "xyz", "xyz")] // the previous read scrolled out entirely
    public void Added_is_what_the_new_read_holds_beyond_the_previous_one(string before, string now, string added)
        => Assert.Equal(added, TextTail.Added(before, now));
}
